import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RawConnection, type Outcome } from '../../test/fuzz/raw-http.js';
import { fixedUpstream } from '../../test/helpers/fixed-upstream.js';
import { waitFor } from '../../test/helpers/wait.js';
import { ManualClock } from '../kernel/clock.js';
import { createLogger } from '../kernel/log.js';
import { createMetadataServer } from './metadata-server.js';
import type { MetadataSignIns } from './metadata-sign-ins.js';
import { TokenCache } from './token-cache.js';

const clock = new ManualClock();
const upstream = fixedUpstream(clock, 'api://broken');

/** A sign-in hook with a bug: it throws from inside the endpoints' own error handling. */
const throwingSignIns = {
  hit: () => undefined,
  failure: () => {
    throw new Error('sign-in hook bug');
  },
} as unknown as MetadataSignIns;

describe("the agent's metadata endpoints: no request ends the agent (docs/security.md, finding 1)", () => {
  let server: Server;
  let port = 0;
  const send = async (text: string, method = 'GET'): Promise<Outcome> => {
    const c = await RawConnection.open({ host: '127.0.0.1', port, tls: false }, 10_000);
    try {
      return await c.exchange(Buffer.from(text, 'latin1'), method, 10_000);
    } finally {
      c.close();
    }
  };
  const status = (o: Outcome) => (o.kind === 'answer' ? o.status : o.kind);
  const json = (o: Outcome) =>
    o.kind === 'answer' ? (JSON.parse(o.body.toString()) as { error: string; error_description: string }) : undefined;
  const imds = (resource: string) =>
    `GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=${resource} HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nmetadata: true\r\n\r\n`;

  before(async () => {
    server = createMetadataServer({
      cache: new TokenCache({ upstream, clock }),
      upstream,
      identityHeader: 'ih',
      msiSecret: 'ms',
      clock,
      log: createLogger('silent'),
      signIns: throwingSignIns,
      limits: { maxHeaderBytes: 4096, maxUrlBytes: 1024, maxConnectionsPerClient: 3 },
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it("an error that escapes the endpoints' error handling is answered 500 in the MSAL shape, and the agent keeps serving", async () => {
    // In a real agent an unhandled rejection ends the process: there must be none.
    const escaped: unknown[] = [];
    const onEscape = (e: unknown) => escaped.push(e);
    process.on('unhandledRejection', onEscape);
    const out = await send(imds('api://broken'));
    await new Promise((r) => setTimeout(r, 50)); // a window for a rejection that must not come
    process.off('unhandledRejection', onEscape);
    assert.deepEqual(escaped, []);
    assert.equal(status(out), 500);
    assert.equal(json(out)?.error, 'server_error');
    assert.equal(status(await send(imds('api://fine'))), 200);
  });

  it('malformed HTTP: 400; headers past the bound: 431; a long target: 414 — each {error, error_description}', async () => {
    const bad = await send(`GET /metadata/instance HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nx-nul: a\u0000b\r\n\r\n`);
    assert.equal(status(bad), 400);
    assert.equal(typeof json(bad)?.error_description, 'string');
    assert.equal(
      status(
        await send(`GET /metadata/instance HTTP/1.1\r\nhost: 127.0.0.1:${port}\r\nx-big: ${'b'.repeat(5000)}\r\n\r\n`),
      ),
      431,
    );
    const long = await send(imds(`api://${'x'.repeat(2000)}`));
    assert.equal(status(long), 414);
    assert.equal(json(long)?.error, 'invalid_request');
    assert.equal(status(await send(imds('api://fine'))), 200);
  });

  it('connections past the per-client bound are answered 429 with Retry-After', async () => {
    const held = await Promise.all(
      [1, 2, 3].map(() => RawConnection.open({ host: '127.0.0.1', port, tls: false }, 10_000)),
    );
    const over = await send(imds('api://fine'));
    assert.equal(status(over), 429);
    assert.equal(json(over)?.error, 'too_many_connections');
    for (const c of held) c.close();
    await waitFor(async () => status(await send(imds('api://fine'))) === 200, {
      what: 'a 200 once the held connections are closed',
    });
  });
});
