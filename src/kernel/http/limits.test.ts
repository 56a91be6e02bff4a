import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { RawConnection, type Outcome } from '../../../test/fuzz/raw-http.js';
import { serialize } from '../../../test/fuzz/wire.js';
import { startTestServer, type TestServer } from '../../../test/helpers/server.js';
import { waitFor } from '../../../test/helpers/wait.js';

const OFFICER = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7';

/** The limits from the config schema, on a real server: each refusal says which setting to raise. */
describe('request limits of openmi serve (docs/security.md, limits)', () => {
  let t: TestServer;
  let port = 0;
  let vaultToken = '';
  const config = { maxBodyBytes: 8192, maxHeaderBytes: 8192, maxUrlBytes: 2048, maxConnectionsPerClient: 6 };
  const send = async (
    method: string,
    target: string,
    headers: Array<[string, string]>,
    body?: Buffer,
    chunked?: number,
  ): Promise<Outcome> => {
    const c = await RawConnection.open({ host: '127.0.0.1', port, tls: true }, 10_000);
    try {
      const h: Array<[string, string]> = headers.some(([k]) => k === 'host')
        ? headers
        : [['host', `127.0.0.1:${port}`], ...headers];
      return await c.exchange(
        serialize({ method, target, headers: h, ...(body ? { body } : {}), ...(chunked ? { chunked } : {}) }),
        method,
        15_000,
      );
    } finally {
      c.close();
    }
  };
  const status = (o: Outcome) => (o.kind === 'answer' ? o.status : o.kind);
  const text = (o: Outcome) => (o.kind === 'answer' ? o.body.toString() : '');

  before(async () => {
    t = await startTestServer({ config });
    port = Number(new URL(t.server.baseUrl).port);
    const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-limits`;
    await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
    const kv = await t.arm('PUT', `${rg}/providers/Microsoft.KeyVault/vaults/kvlimits?api-version=2023-07-01`, {
      location: 'westeurope',
      properties: { tenantId: t.creds.tenantId, sku: { family: 'A', name: 'standard' } },
    });
    vaultToken = await t.adminToken('https://vault.openmi.localhost');
    const oid = JSON.parse(Buffer.from(vaultToken.split('.')[1]!, 'base64url').toString()).oid;
    const sub = `/subscriptions/${t.creds.subscriptionId}`;
    await t.arm(
      'PUT',
      `${kv.json.id}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
      {
        properties: {
          roleDefinitionId: `${sub}/providers/Microsoft.Authorization/roleDefinitions/${OFFICER}`,
          principalId: oid,
          principalType: 'ServicePrincipal',
        },
      },
    );
  });
  after(() => t.stop());

  it('every surface that reads a body refuses one past its bound with 413, chunked or not', async () => {
    const big = Buffer.alloc(20_000, 0x61);
    const armToken = await t.adminToken();
    const cases: Array<[string, () => Promise<Outcome>]> = [];
    for (const chunked of [undefined, 1, 1000]) {
      cases.push(
        [
          'ARM',
          () =>
            send(
              'PUT',
              `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-big?api-version=2025-04-01`,
              [
                ['authorization', `Bearer ${armToken}`],
                ['content-type', 'application/json'],
              ],
              big,
              chunked,
            ),
        ],
        [
          'token service',
          () =>
            send(
              'POST',
              `/${t.creds.tenantId}/oauth2/token`,
              [['content-type', 'application/x-www-form-urlencoded']],
              big,
              chunked,
            ),
        ],
        [
          'Key Vault',
          () =>
            send(
              'PUT',
              '/secrets/s?api-version=7.5',
              [
                ['host', `kvlimits.vault.openmi.localhost:${port}`],
                ['authorization', `Bearer ${vaultToken}`],
                ['content-type', 'application/json'],
              ],
              big,
              chunked,
            ),
        ],
        [
          'agent API',
          () => send('POST', '/openmi/agent/v1/enroll', [['content-type', 'application/json']], big, chunked),
        ],
      );
    }
    for (const [surface, call] of cases) assert.equal(status(await call()), 413, surface);
  });

  it('after refusing a chunked body past the limit, the connection reads the rest and serves the next request', async () => {
    const c = await RawConnection.open({ host: '127.0.0.1', port, tls: true }, 10_000);
    try {
      const body = Buffer.alloc(40_000, 0x61);
      const first = await c.exchange(
        serialize({
          method: 'POST',
          target: `/${t.creds.tenantId}/oauth2/token`,
          headers: [
            ['host', 'x'],
            ['content-type', 'application/x-www-form-urlencoded'],
          ],
          body,
          chunked: 1,
        }),
        'POST',
        15_000,
      );
      assert.equal(status(first), 413);
      const next = await c.exchange(
        serialize({ method: 'GET', target: '/healthz', headers: [['host', 'x']] }),
        'GET',
        15_000,
      );
      assert.equal(
        status(next),
        200,
        'the same connection answers again (it was not left paused with the body unread)',
      );
    } finally {
      c.close();
    }
  });

  it('headers past maxHeaderBytes: 431; a target past maxUrlBytes: 414; each names its variable', async () => {
    const big = await send('GET', '/healthz', [['x-big', 'b'.repeat(9000)]]);
    assert.equal(status(big), 431);
    assert.match(text(big), /OPENMI_MAX_HEADER_BYTES/);
    const long = await send('GET', `/healthz?${'q'.repeat(3000)}`, []);
    assert.equal(status(long), 414);
    assert.match(text(long), /OPENMI_MAX_URL_BYTES/);
  });

  it('connections past maxConnectionsPerClient get 429 naming OPENMI_MAX_CONNECTIONS_PER_CLIENT; the server then serves again', async () => {
    const held = await Promise.all(
      Array.from({ length: 6 }, () => RawConnection.open({ host: '127.0.0.1', port, tls: true }, 10_000)),
    );
    const over = await send('GET', '/healthz', []);
    assert.equal(status(over), 429);
    assert.match(text(over), /OPENMI_MAX_CONNECTIONS_PER_CLIENT/);
    for (const c of held) c.close();
    await waitFor(async () => status(await send('GET', '/healthz', [])) === 200, {
      what: 'a 200 once the held connections are closed',
    });
  });
});
