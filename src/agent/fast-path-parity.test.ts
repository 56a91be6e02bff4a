import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RawConnection, type Outcome } from '../../test/fuzz/raw-http.js';
import { fixedUpstream } from '../../test/helpers/fixed-upstream.js';
import { ManualClock } from '../kernel/clock.js';
import { createLogger } from '../kernel/log.js';
import { createMetadataServer } from './metadata-server.js';
import { TokenCache } from './token-cache.js';

const clock = new ManualClock();
const upstream = fixedUpstream(clock);

const SECRET = 'h'.repeat(32);
const IMDS = '/metadata/identity/oauth2/token?api-version=2018-02-01&resource=api://r';
const APP = '/msi/token?api-version=2019-08-01&resource=api://r';

/**
 * The fast path reads the same parsed headers as the full route, so a repeated header or an
 * odd spelling must be decided alike: Node joins repeats with ', ' (so `true, true` is not
 * `true`, and two secrets are not the secret) and keeps only the first Host.
 */
describe('cached and uncached answers decide alike on repeated and re-spelled headers', () => {
  let server: Server;
  let port = 0;
  const cache = new TokenCache({ upstream, clock });
  const send = async (path: string, lines: string[]): Promise<Outcome> => {
    const c = await RawConnection.open({ host: '127.0.0.1', port, tls: false }, 10_000);
    try {
      return await c.exchange(Buffer.from(`GET ${path} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`), 'GET', 10_000);
    } finally {
      c.close();
    }
  };
  const answer = (o: Outcome) => (o.kind === 'answer' ? `${o.status} ${o.body.toString()}` : o.kind);

  before(async () => {
    server = createMetadataServer({
      cache,
      upstream,
      identityHeader: SECRET,
      msiSecret: 's'.repeat(32),
      clock,
      log: createLogger('silent'),
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('Metadata, Origin, Sec-Fetch-Site, X-Forwarded-For, Host and X-IDENTITY-HEADER', async () => {
    const host = `host: 127.0.0.1:${port}`;
    const evil = `Host: evil.example:${port}`;
    const cases: Array<[string, string[], number]> = [
      [IMDS, [host, 'METADATA: TRUE'], 200],
      [IMDS, [host, 'Metadata: true', 'Metadata: true'], 400],
      [IMDS, [host, 'Metadata: true', 'metadata: false'], 400],
      [IMDS, [host, 'Metadata: true', 'ORIGIN: null'], 403],
      [IMDS, [host, 'Metadata: true', 'Origin: http://a', 'Origin: http://b'], 403],
      [IMDS, [host, 'Metadata: true', 'sec-FETCH-site: same-origin'], 403],
      [IMDS, [host, 'Metadata: true', 'X-Forwarded-For: 10.0.0.1', 'x-forwarded-for: 10.0.0.2'], 400],
      [IMDS, [host, 'Metadata: true', 'X-FORWARDED-FOR:'], 400],
      [IMDS, [`HOST: LOCALHOST:${port}`, 'Metadata: true'], 200],
      [IMDS, [evil, 'Metadata: true'], 403],
      [IMDS, [evil, host, 'Metadata: true'], 403],
      [IMDS, [host, evil, 'Metadata: true'], 200],
      [IMDS, ['Metadata: true'], 403],
      [APP, [host, `x-identity-header: ${SECRET}`], 200],
      [APP, [host, `X-IDENTITY-HEADER: ${SECRET}`, `X-IDENTITY-HEADER: ${SECRET}`], 401],
      [APP, [host, `X-Identity-Header: ${SECRET.toUpperCase()}`], 401],
    ];
    for (const [path, lines, status] of cases) {
      const what = `${path} ${JSON.stringify(lines)}`;
      cache.flushAll();
      const full = await send(path, lines);
      const warmUp = path === APP ? `X-IDENTITY-HEADER: ${SECRET}` : 'Metadata: true';
      assert.match(answer(await send(path, [host, warmUp])), /^200 /, what);
      const fast = await send(path, lines);
      assert.equal(full.kind === 'answer' ? full.status : full.kind, status, what);
      assert.equal(answer(fast), answer(full), what);
    }
  });
});
