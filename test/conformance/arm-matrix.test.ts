import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { describeEachStore } from '../helpers/postgres.js';
import { runClient } from '../helpers/child.js';
import type { MatrixEnv, Row } from './clients/arm-matrix-kit.js';

/**
 * The @azure/arm-* matrix: each package for a served type at its newest Node-20 major, unmodified
 * and at its default api-version, drives create/get/update/list/delete (LROs through
 * begin...AndWait) against a real server. The diagnostic lines are the measured matrix.
 */
await describeEachStore('@azure/arm-* client matrix (newest majors on Node 20, defaults only)', (store) => {
  let t: TestServer;
  let env: MatrixEnv;
  before(async () => {
    t = await startTestServer(await store.options());
    const sub = t.creds.subscriptionId;
    const suffix = Date.now().toString(36);
    env = {
      tenantId: t.creds.tenantId,
      clientId: t.creds.clientId,
      clientSecret: t.creds.clientSecret,
      authorityHost: t.server.baseUrl,
      armEndpoint: t.server.baseUrl,
      subscriptionId: sub,
      rg: 'rg-matrix',
      machine: 'arc1',
      vault: `kv-${suffix}`,
      account: `sa${suffix}`,
    };
    assert.equal(
      (
        await t.arm('PUT', `/subscriptions/${sub}/resourceGroups/rg-matrix?api-version=2025-04-01`, {
          location: 'westeurope',
        })
      ).status,
      201,
    );
    const arc = await t.arm(
      'PUT',
      `/subscriptions/${sub}/resourceGroups/rg-matrix/providers/Microsoft.HybridCompute/machines/arc1?api-version=2021-05-20`,
      { location: 'westeurope', identity: { type: 'SystemAssigned' } },
    );
    assert.equal(arc.status, 200, arc.text);
  });
  after(() => t.stop());

  it('every flow of every package passes', async (ctx) => {
    const r = await runClient(
      'arm-matrix.client.js',
      [JSON.stringify(env)],
      { NODE_EXTRA_CA_CERTS: t.server.caCertPath },
      240_000,
    );
    assert.equal(r.code, 0, r.stderr);
    const rows = JSON.parse(r.stdout) as Row[];
    for (const row of rows)
      ctx.diagnostic(
        `${row.ok ? 'pass' : 'FAIL'} ${row.pkg}@${row.version} ${row.flow}${row.detail ? ` — ${row.detail}` : ''}`,
      );
    assert.deepEqual(
      rows.filter((x) => !x.ok),
      [],
    );
    const packages = new Set(rows.map((x) => x.pkg));
    assert.equal(packages.size, 12, [...packages].join(', '));
  });
});
