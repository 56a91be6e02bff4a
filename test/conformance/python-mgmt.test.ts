import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { describeEachStore } from '../helpers/postgres.js';
import { privateHostsMissing, withHosts } from '../helpers/private-hosts.js';

// Not compiled: the Python client is read from the source tree.
const CLIENT = fileURLToPath(new URL('../../../test/conformance/clients/python_mgmt.py', import.meta.url));
const PYTHON = '/usr/bin/python3';
const SECRETS_OFFICER = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7';
const BLOB_CONTRIBUTOR = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe';
const MODULES = [
  'identity',
  'mgmt.resource',
  'mgmt.msi',
  'mgmt.authorization',
  'mgmt.compute',
  'mgmt.keyvault',
  'mgmt.storage',
  'mgmt.web',
  'mgmt.monitor',
  'keyvault.secrets',
  'storage.blob',
];

function missing(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', MODULES.map((m) => `import azure.${m}`).join('; ')], { stdio: 'ignore' });
    return undefined;
  } catch {
    return `Debian's python3-azure is not installed (${PYTHON} cannot import ${MODULES.join(', ')}); .ci/run installs it`;
  }
}
const skip = missing();
/** The data-plane flows need vault and account host names to resolve (an /etc/hosts line); where that cannot be arranged they are skipped. */
const noHosts = privateHostsMissing();
const NEEDS_HOSTS = new Set(['secrets', 'blob']);

/** Flows measured but not yet required, each with the reason it fails (none at present). */
const PENDING: Record<string, string> = {};

type Out = Record<string, { ok?: true; error?: string } & Record<string, any>>;

/**
 * Debian's management and data-plane SDKs for Python (python3-azure, unmodified), configured
 * only: ClientSecretCredential with openmi as authority and instance discovery off, base_url and
 * credential_scopes per client, REQUESTS_CA_BUNDLE, and /etc/hosts lines for vault and blob hosts.
 */
await describeEachStore(
  "Debian's Azure SDK for Python (management + data planes), configuration only",
  { skip: process.env['CI'] !== 'true' && skip },
  (store) => {
    let t: TestServer;
    let out: Out;
    let identity: { id: string; properties: { principalId: string } };
    const names = {
      vault: `kvpy${Date.now().toString(36)}`,
      account: `sapy${Date.now().toString(36)}`,
      blobAccount: `sbpy${Date.now().toString(36)}`,
    };

    before(async () => {
      if (skip) throw new Error(skip);
      t = await startTestServer(await store.options());
      const sub = t.creds.subscriptionId;
      const rg = `/subscriptions/${sub}/resourceGroups/rg-py`;
      const data = `/subscriptions/${sub}/resourceGroups/rg-pydata`;
      for (const g of [rg, data]) await t.arm('PUT', `${g}?api-version=2021-04-01`, { location: 'westeurope' });
      const arc = await t.arm('PUT', `${rg}/providers/Microsoft.HybridCompute/machines/py-arc?api-version=2021-05-20`, {
        location: 'westeurope',
        identity: { type: 'SystemAssigned' },
      });
      assert.ok(arc.status === 200 || arc.status === 201, arc.text);
      identity = (
        await t.arm(
          'PUT',
          `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/py-id?api-version=2023-01-31`,
          { location: 'westeurope', tags: { flow: 'python' } },
        )
      ).json;
      // The data planes get their own group: the group_delete flow empties rg-py.
      const kv = (
        await t.arm('PUT', `${data}/providers/Microsoft.KeyVault/vaults/${names.vault}-d?api-version=2023-07-01`, {
          location: 'westeurope',
          properties: {},
        })
      ).json;
      const sa = (
        await t.arm(
          'PUT',
          `${data}/providers/Microsoft.Storage/storageAccounts/${names.blobAccount}?api-version=2023-05-01`,
          { location: 'westeurope', sku: { name: 'Standard_LRS' }, kind: 'StorageV2' },
        )
      ).json;
      for (const [scope, role] of [
        [kv.id, SECRETS_OFFICER],
        [sa.id, BLOB_CONTRIBUTOR],
      ] as const) {
        const ra = await t.arm(
          'PUT',
          `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
          {
            properties: {
              roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
              principalId: t.server.installation.adminObjectId,
            },
          },
        );
        assert.equal(ra.status, 201, ra.text);
      }
      const cfg = {
        baseUrl: t.server.baseUrl,
        tenantId: t.creds.tenantId,
        clientId: t.creds.clientId,
        clientSecret: t.creds.clientSecret,
        subscriptionId: sub,
        resourceGroup: 'rg-py',
        identityId: identity.id,
        principalId: identity.properties.principalId,
        vaultName: names.vault,
        accountName: names.account,
        vaultUri: kv.properties.vaultUri,
        blobEndpoint: sa.properties.primaryEndpoints.blob,
        flows: [
          'resources',
          'msi',
          'authorization',
          'compute',
          'keyvault',
          'storage',
          'web',
          'containerinstance',
          'hybridcompute',
          'monitor',
          'secrets',
          'blob',
          'group_delete',
        ].filter((f) => !(noHosts && NEEDS_HOSTS.has(f))),
      };
      const hosts = {
        [`${names.vault}-d.vault.openmi.localhost`]: '127.0.0.1',
        [`${names.blobAccount}.blob.openmi.localhost`]: '127.0.0.1',
      };
      const [cmd, args] = noHosts
        ? [PYTHON, [CLIENT, JSON.stringify(cfg)]]
        : withHosts(hosts, PYTHON, [CLIENT, JSON.stringify(cfg)]);
      const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(
          cmd,
          args,
          {
            env: { PATH: process.env['PATH'] ?? '', REQUESTS_CA_BUNDLE: t.server.caCertPath },
            timeout: 240_000,
            maxBuffer: 8 << 20,
          },
          (e, stdout, stderr) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
      assert.equal(r.code, 0, r.stderr);
      out = JSON.parse(r.stdout) as Out;
    });
    after(() => t?.stop());

    const flow = (name: string, check: (o: Record<string, any>) => void) =>
      void it(
        name,
        PENDING[name] ? { todo: PENDING[name] } : NEEDS_HOSTS.has(name) && noHosts ? { skip: noHosts } : {},
        () => {
          assert.equal(out[name]?.error, undefined, out[name]?.error);
          check(out[name]!);
        },
      );

    flow('resources', (o) => {
      assert.deepEqual(o['inGroup'], ['py-arc', 'py-id']);
      assert.deepEqual(o['identities'], ['py-id']);
      assert.deepEqual(o['tagged'], ['py-id']);
      assert.equal(o['byId'], identity.id);
    });
    flow('msi', (o) => assert.equal(o['fic'], 'py-fic'));
    flow('authorization', (o) => {
      assert.equal(o['created'], true);
      assert.deepEqual(o['roles'], ['Reader']);
    });
    flow('compute', (o) => assert.equal(o['same'], true));
    flow('keyvault', (o) => {
      assert.ok(o['list'].includes(names.vault), JSON.stringify(o));
      assert.deepEqual(o['inGroup'], [names.vault]);
    });
    flow('storage', (o) => assert.deepEqual(o['keys'], ['key1', 'key2']));
    flow('web', (o) => assert.ok(o['principalId']));
    flow('containerinstance', (o) => assert.ok(o['principalId']));
    flow('hybridcompute', (o) => assert.ok(o['principalId']));
    flow('monitor', (o) => assert.ok(o['events'] > 0));
    flow('secrets', (o) => assert.equal(o['value'], 'v1'));
    flow('blob', (o) => {
      assert.deepEqual(o['names'], ['hello.txt']);
      assert.equal(o['content'], 'hello');
    });
    flow('group_delete', (o) => assert.deepEqual(o['after'], []));
  },
);
