import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { RawConnection, type Outcome } from '../../../test/fuzz/raw-http.js';
import { waitFor } from '../../../test/helpers/wait.js';
import { loadOrCreatePki } from '../../server/pki/pki.js';
import { systemClock } from '../clock.js';
import { createLogger } from '../log.js';
import { sendJson, type RequestContext, type Surface } from './context.js';
import { createListener } from './server.js';

/** Surfaces that fail in every way a surface can, to prove the listener answers for them. */
const broken: Surface[] = [
  {
    name: 'render-throws',
    matches: (ctx) => ctx.path === '/render-throws',
    handle: async () => {
      throw new Error('handler failed');
    },
    // What the ARM surface did with a non-Latin-1 kid: Node refuses the header while rendering.
    renderError: (ctx) => sendJson(ctx.res, 401, {}, { 'www-authenticate': 'Bearer error_description="kid €"' }),
  },
  {
    name: 'silent',
    matches: (ctx) => ctx.path === '/silent',
    handle: async () => undefined,
    renderError: () => undefined,
  },
  {
    name: 'late-failure',
    matches: (ctx) => ctx.path === '/late',
    handle: async (ctx: RequestContext) => {
      ctx.res.writeHead(200, { 'content-type': 'text/plain' });
      ctx.res.write('partial');
      throw new Error('failed after the answer started');
    },
    renderError: () => undefined,
  },
  {
    name: 'matches-throws',
    matches: (ctx) => {
      if (ctx.path === '/matches-throws') throw new Error('matches failed');
      return false;
    },
    handle: async () => undefined,
    renderError: () => undefined,
  },
  {
    name: 'ok',
    matches: () => true,
    handle: async (ctx) => sendJson(ctx.res, 200, { ok: true }),
    renderError: () => undefined,
  },
];

describe('the listener answers for what its surfaces cannot (docs/security.md, finding 1)', () => {
  let server: Server;
  let port = 0;
  let dir: string;
  const limits = {
    maxHeaderBytes: 8192,
    maxUrlBytes: 2048,
    maxConnectionsPerClient: 3,
    settings: { header: 'HDR_SETTING', url: 'URL_SETTING', connections: 'CONN_SETTING' },
  };
  const open = () => RawConnection.open({ host: '127.0.0.1', port, tls: true }, 10_000);
  const get = async (target: string, extra = ''): Promise<Outcome> => {
    const c = await open();
    try {
      return await c.exchange(Buffer.from(`GET ${target} HTTP/1.1\r\nhost: x\r\n${extra}\r\n`), 'GET', 10_000);
    } finally {
      c.close();
    }
  };
  const status = (o: Outcome) => (o.kind === 'answer' ? o.status : o.kind);
  const message = (o: Outcome) =>
    o.kind === 'answer' ? (JSON.parse(o.body.toString()) as { error: { message: string } }).error.message : '';

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'openmi-guard-'));
    const pki = await loadOrCreatePki({
      dir,
      masterKey: randomBytes(32),
      clock: systemClock,
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
    });
    server = createListener({
      cert: pki.serverCertPem,
      key: pki.serverKeyPem,
      surfaces: broken,
      log: createLogger('silent'),
      requestTimeoutMs: 10_000,
      limits,
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a renderer that throws still produces a 500, and the listener keeps serving', async () => {
    assert.equal(status(await get('/render-throws')), 500);
    assert.equal(status(await get('/matches-throws')), 500);
    assert.equal(status(await get('/anything')), 200);
  });

  it('a handler that returns without answering gets a 500, not a hang', async () => {
    assert.equal(status(await get('/silent')), 500);
  });

  it('a failure after the answer started closes that connection only', async () => {
    assert.equal(status(await get('/late')), 'closed');
    assert.equal(status(await get('/anything')), 200);
  });

  it('malformed HTTP is answered 400 in JSON and closed', async () => {
    const c = await open();
    const out = await c.exchange(Buffer.from('G@T / HTTP/1.1\r\nhost: x\r\n\r\n'), 'GET', 10_000);
    c.close();
    assert.equal(status(out), 400);
    assert.equal(out.kind === 'answer' && out.headers.get('connection'), 'close');
  });

  it('headers past maxHeaderBytes are answered 431, a target past maxUrlBytes 414, each naming its setting', async () => {
    const big = await get('/x', `x-big: ${'b'.repeat(9000)}\r\n`);
    assert.equal(status(big), 431);
    assert.match(message(big), /8192 bytes \(HDR_SETTING\)/);
    const long = await get(`/${'u'.repeat(3000)}`);
    assert.equal(status(long), 414);
    assert.match(message(long), /2048 bytes \(URL_SETTING\)/);
    assert.equal(status(await get('/anything')), 200);
  });

  it('connections past maxConnectionsPerClient are answered 429 and closed; past twice the bound, cut', async () => {
    const held = await Promise.all([open(), open(), open()]);
    const over = await open();
    const out = await over.exchange(Buffer.from('GET / HTTP/1.1\r\nhost: x\r\n\r\n'), 'GET', 10_000);
    assert.equal(status(out), 429);
    assert.equal(out.kind === 'answer' && out.headers.get('retry-after'), '1');
    assert.match(message(out), /more than 3 open connections \(CONN_SETTING\)/);
    over.close();
    const many = await Promise.allSettled(Array.from({ length: 4 }, () => open()));
    await waitFor(() => many.some((p) => p.status === 'rejected' || !p.value.usable), {
      what: 'a connection beyond twice the bound to be closed',
    });
    for (const p of many) if (p.status === 'fulfilled') p.value.close();
    for (const c of held) c.close();
    await waitFor(async () => status(await get('/anything')) === 200, {
      what: 'a client under the bound again to be served',
    });
  });
});
