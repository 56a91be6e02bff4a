import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { decodeJwt } from 'jose';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { describeEachStore } from '../helpers/postgres.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
// Not compiled: the Python client is read from the source tree.
const CLIENT = fileURLToPath(new URL('../../../test/conformance/clients/python_identity.py', import.meta.url));
const PYTHON = '/usr/bin/python3';

function pythonSdkMissing(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import azure.identity, msal'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return `Debian's python3-azure is not installed (${PYTHON} cannot import azure.identity); .ci/run installs it`;
  }
}

const missing = pythonSdkMissing();

await describeEachStore(
  'azure-identity for Python (unmodified) under openmi run',
  { skip: process.env['CI'] !== 'true' && missing },
  (store) => {
    let t: TestServer;
    let vmId: string;
    let uai: { id: string; clientId: string; principalId: string };
    before(async () => {
      if (missing) throw new Error(missing);
      t = await startTestServer(await store.options());
      const sub = t.creds.subscriptionId;
      await t.arm('PUT', `/subscriptions/${sub}/resourceGroups/rg-py?api-version=2025-04-01`, { location: 'local' });
      const u = await t.arm(
        'PUT',
        `/subscriptions/${sub}/resourceGroups/rg-py/providers/Microsoft.ManagedIdentity/userAssignedIdentities/py-id?api-version=2024-11-30`,
        { location: 'local' },
      );
      uai = { id: u.json.id, ...u.json.properties };
      const vm = await t.arm(
        'PUT',
        `/subscriptions/${sub}/resourceGroups/rg-py/providers/Microsoft.Web/sites/app1?api-version=2024-04-01`,
        {
          location: 'local',
          identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [uai.id]: {} } },
        },
      );
      assert.equal(vm.status, 200, vm.text); // web apps: 200/202 in their spec, never 201
      vmId = vm.json.id;
    });
    after(() => t?.stop());

    for (const metadata of ['app-service', 'imds']) {
      it(`gets system-assigned and user-assigned tokens through ${metadata}`, async () => {
        const args = [
          MAIN,
          'run',
          '--data-dir',
          t.dataDir,
          '--resource',
          vmId,
          '--metadata',
          metadata,
          '--',
          PYTHON,
          CLIENT,
          JSON.stringify({ clientId: uai.clientId, resourceId: uai.id, scope: 'https://vault.azure.net/.default' }),
        ];
        const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
          execFile(
            process.execPath,
            args,
            { env: { PATH: process.env['PATH'] ?? '' }, timeout: 90_000 },
            (e, stdout, stderr) => resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
          ),
        );
        assert.equal(r.code, 0, r.stderr);
        const out = JSON.parse(r.stdout);
        for (const k of ['system', 'clientId', 'resourceId', 'dac']) assert.ok(out[k].token, `${k}: ${out[k].error}`);
        assert.equal(decodeJwt(out.system.token)['xms_mirid'], vmId);
        for (const k of ['clientId', 'resourceId', 'dac']) {
          const c = decodeJwt(out[k].token);
          assert.equal(c['oid'], uai.principalId, k);
          assert.equal(c['aud'], 'https://vault.azure.net', k);
        }
      });
    }
  },
);
