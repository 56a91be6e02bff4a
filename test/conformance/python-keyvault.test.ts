import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { describeEachStore } from '../helpers/postgres.js';
import { privateHostsMissing, withHosts } from '../helpers/private-hosts.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
// Not compiled: the Python client is read from the source tree.
const CLIENT = fileURLToPath(new URL('../../../test/conformance/clients/python_keyvault.py', import.meta.url));
const PYTHON = '/usr/bin/python3';
const OFFICER = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7';

function missing(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import azure.identity, azure.keyvault.secrets'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return `Debian's python3-azure is not installed (${PYTHON} cannot import azure.keyvault.secrets); .ci/run installs it`;
  }
}
const skip = missing();
/** The vault's host name must resolve; without a private /etc/hosts (unshare -m needs root) the test cannot run anywhere. */
const noHosts = privateHostsMissing();

/**
 * azure-keyvault-secrets for Python checks that the vault URL's `host:port` ends with `.` + the
 * challenge resource's `host:port`. openmi serves vaults off port 443, so its challenge names the
 * port: the default client setup must work there, as it does in JavaScript.
 */
await describeEachStore(
  'azure-keyvault-secrets for Python (unmodified, default options) on a non-443 port',
  { skip: (process.env['CI'] !== 'true' && skip) || noHosts },
  (store) => {
    let t: TestServer;
    let vmId: string;
    let vaultUri: string;
    before(async () => {
      if (skip) throw new Error(skip);
      t = await startTestServer(await store.options());
      const sub = t.creds.subscriptionId;
      const rg = `/subscriptions/${sub}/resourceGroups/rg-pykv`;
      await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
      const vm = await t.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`, {
        location: 'westeurope',
        identity: { type: 'SystemAssigned' },
      });
      vmId = vm.json.id;
      const kv = await t.arm('PUT', `${rg}/providers/Microsoft.KeyVault/vaults/kv-py?api-version=2023-07-01`, {
        location: 'westeurope',
        properties: {},
      });
      vaultUri = kv.json.properties.vaultUri;
      const ra = await t.arm(
        'PUT',
        `${kv.json.id}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
        {
          properties: {
            roleDefinitionId: `/subscriptions/${sub}/providers/Microsoft.Authorization/roleDefinitions/${OFFICER}`,
            principalId: vm.json.identity.principalId,
          },
        },
      );
      assert.equal(ra.status, 201, ra.text);
    });
    after(() => t?.stop());

    it('sets, gets and lists secrets through the vault URL ARM returned, port included', async () => {
      const port = new URL(t.server.baseUrl).port;
      assert.notEqual(port, '443');
      assert.equal(vaultUri, `https://kv-py.vault.openmi.localhost:${port}/`);
      const [cmd, args] = withHosts({ 'kv-py.vault.openmi.localhost': '127.0.0.1' }, process.execPath, [
        MAIN,
        'run',
        '--data-dir',
        t.dataDir,
        '--resource',
        vmId,
        '--',
        PYTHON,
        CLIENT,
        vaultUri,
      ]);
      const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(cmd, args, { env: { PATH: process.env['PATH'] ?? '' }, timeout: 120_000 }, (e, stdout, stderr) =>
          resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.error, undefined, out.error);
      assert.equal(out.value, 'rotated');
      assert.equal(out.old, 's3cret');
      assert.deepEqual(out.names, ['db-password']);
      assert.match(
        out.id,
        new RegExp(`^https://kv-py\\.vault\\.openmi\\.localhost:${port}/secrets/db-password/[0-9a-f]{32}$`),
      );
    });
  },
);
