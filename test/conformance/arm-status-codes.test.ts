import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { describeEachStore } from '../helpers/postgres.js';

const PYTHON = '/usr/bin/python3';
const PY_CLIENT = fileURLToPath(new URL('../../../test/conformance/clients/python_mgmt_status.py', import.meta.url));
function pythonMissing(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import azure.mgmt.storage, azure.mgmt.web, azure.mgmt.keyvault'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return "Debian's python3-azure is not installed; .ci/run installs it";
  }
}

/**
 * Success statuses per type and operation as each type's REST spec lists them (the lists Debian's
 * Python SDK and the Azure CLI enforce: a status outside them is an error there). openmi completes
 * every write before answering, so it picks the spec's synchronous status: a 202 would need
 * Azure-AsyncOperation/Location and a status endpoint, which a finished operation does not.
 *
 * | type | PUT new (spec) | PUT again | PATCH | DELETE | DELETE missing |
 */
interface Row {
  type: string;
  version: string;
  /** The spec's success statuses for create; the first is the one openmi answers. */
  create: number[];
  body: (t: TestServer) => object;
  /** PATCH is in the type's spec and served. */
  patch: boolean;
  /** `properties.provisioningState` is part of the type's resource shape. */
  provisioningState: boolean;
}

const TABLE: Row[] = [
  {
    type: 'Microsoft.Compute/virtualMachines',
    version: '2026-03-01',
    create: [201, 200],
    body: () => ({ location: 'westeurope' }),
    patch: true,
    provisioningState: true,
  },
  {
    type: 'Microsoft.Compute/virtualMachineScaleSets',
    version: '2026-03-01',
    create: [201, 200],
    body: () => ({ location: 'westeurope' }),
    patch: true,
    provisioningState: true,
  },
  {
    type: 'Microsoft.Web/sites',
    version: '2025-05-01',
    create: [200, 202],
    body: () => ({ location: 'westeurope', kind: 'app' }),
    patch: true,
    provisioningState: true,
  },
  {
    type: 'Microsoft.ContainerInstance/containerGroups',
    version: '2023-05-01',
    create: [201, 200],
    body: () => ({ location: 'westeurope' }),
    patch: true,
    provisioningState: true,
  },
  {
    type: 'Microsoft.App/containerApps',
    version: '2025-07-01',
    create: [201, 200],
    body: () => ({ location: 'westeurope' }),
    patch: true,
    provisioningState: true,
  },
  {
    type: 'Microsoft.HybridCompute/machines',
    version: '2022-08-11-preview',
    create: [200],
    body: () => ({ location: 'westeurope' }),
    patch: true,
    provisioningState: true,
  },
  {
    type: 'Microsoft.KeyVault/vaults',
    version: '2026-02-01',
    create: [201, 200],
    patch: true,
    provisioningState: true,
    body: (t) => ({
      location: 'westeurope',
      properties: { tenantId: t.creds.tenantId, sku: { family: 'A', name: 'standard' } },
    }),
  },
  {
    type: 'Microsoft.Storage/storageAccounts',
    version: '2025-08-01',
    create: [200, 202],
    body: () => ({ location: 'westeurope', sku: { name: 'Standard_LRS' }, kind: 'StorageV2' }),
    patch: true,
    provisioningState: true,
  },
  {
    type: 'Microsoft.ManagedIdentity/userAssignedIdentities',
    version: '2024-11-30',
    create: [201, 200],
    body: () => ({ location: 'westeurope' }),
    patch: true,
    provisioningState: false,
  },
];

await describeEachStore('ARM status codes per type and operation follow the REST specs', (store) => {
  let t: TestServer;
  let rg: string;
  before(async () => {
    t = await startTestServer(await store.options());
    rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-status`;
    assert.equal((await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' })).status, 201);
  });
  after(() => t.stop());

  for (const row of TABLE) {
    it(`${row.type}: PUT new ${row.create[0]}, PUT again 200, PATCH 200, GET 200, DELETE 200 then 204; Succeeded and no LRO headers`, async () => {
      const name = `st${row.type.length}${Date.now().toString(36)}`.toLowerCase();
      const url = `${rg}/providers/${row.type}/${name}?api-version=${row.version}`;
      const created = await t.arm('PUT', url, row.body(t));
      assert.equal(created.status, row.create[0], `${row.type} create: ${created.text}`);
      assert.ok(
        !created.headers['azure-asyncoperation'] && !created.headers['location'],
        'a finished write names no operation to poll',
      );
      const again = await t.arm('PUT', url, row.body(t));
      assert.equal(again.status, 200, again.text);
      if (row.patch) {
        const patched = await t.arm('PATCH', url, { tags: { env: 'status' } });
        assert.equal(patched.status, 200, patched.text);
        assert.deepEqual(patched.json.tags, { env: 'status' });
      }
      const got = await t.arm('GET', url);
      assert.equal(got.status, 200, got.text);
      for (const r of [created, again, got]) {
        if (row.provisioningState)
          assert.equal(r.json.properties?.provisioningState, 'Succeeded', `${row.type}: ${r.text}`);
      }
      assert.equal((await t.arm('DELETE', url)).status, 200);
      assert.equal((await t.arm('DELETE', url)).status, 204);
    });
  }

  it(
    "Debian's Python SDK creates, updates and deletes storage accounts, web apps and vaults (it refuses statuses outside the spec)",
    { skip: process.env['CI'] !== 'true' && pythonMissing() },
    async () => {
      const suffix = Date.now().toString(36);
      const env = {
        arm: t.server.baseUrl,
        ca: t.server.caCertPath,
        token: await t.adminToken('https://management.azure.com/'),
        sub: t.creds.subscriptionId,
        tenant: t.creds.tenantId,
        rg: 'rg-status',
        account: `py${suffix}`,
        vault: `py-${suffix}`,
      };
      const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(
          PYTHON,
          [PY_CLIENT, JSON.stringify(env)],
          { env: { PATH: process.env['PATH'] ?? '' }, timeout: 120_000 },
          (e, stdout, stderr) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as Record<string, { ok: boolean; value?: unknown; error?: string }>;
      assert.deepEqual(
        Object.entries(out).filter(([, v]) => !v.ok),
        [],
      );
      assert.equal(out['storage_accounts.begin_create']!.value, 'Succeeded');
      assert.equal(out['storage_accounts.check_name_availability']!.value, 'AlreadyExists');
      assert.equal(out['vaults.begin_create_or_update']!.value, 'Succeeded');
    },
  );
});
