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
const CLIENT = fileURLToPath(new URL('../../../test/conformance/clients/python_datalake.py', import.meta.url));
const PYTHON = '/usr/bin/python3';
const CONTRIBUTOR = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe';

function missing(): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', 'import azure.identity, azure.storage.filedatalake'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return `Debian's python3-azure is not installed (${PYTHON} cannot import azure.storage.filedatalake)`;
  }
}
const skip = missing();
const noHosts = privateHostsMissing();

/** The Python SDK turns `.dfs.` into `.blob.` for its blob-form calls, so both names need an /etc/hosts line. */
await describeEachStore(
  'azure-storage-file-datalake for Python (unmodified, default options) under openmi run',
  { skip: (process.env['CI'] !== 'true' && skip) || noHosts },
  (store) => {
    let t: TestServer;
    let vm: { id: string; principalId: string };
    let accountId: string;
    let url: string;
    const run = async (fs: string): Promise<Record<string, unknown>> => {
      const host = new URL(url).hostname;
      const hosts = { [host]: '127.0.0.1', [host.replace('.dfs.', '.blob.')]: '127.0.0.1' };
      const [cmd, args] = withHosts(hosts, process.execPath, [
        MAIN,
        'run',
        '--data-dir',
        t.dataDir,
        '--resource',
        vm.id,
        '--',
        PYTHON,
        CLIENT,
        url,
        fs,
      ]);
      const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(cmd, args, { env: { PATH: process.env['PATH'] ?? '' }, timeout: 120_000 }, (e, stdout, stderr) =>
          resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout);
    };
    before(async () => {
      if (skip) throw new Error(skip);
      t = await startTestServer(await store.options());
      const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-pydl`;
      await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
      const v = await t.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`, {
        location: 'westeurope',
        identity: { type: 'SystemAssigned' },
      });
      vm = { id: v.json.id, principalId: v.json.identity.principalId };
      accountId = `${rg}/providers/Microsoft.Storage/storageAccounts/py${Date.now().toString(36)}`;
      const st = await t.arm('PUT', `${accountId}?api-version=2023-05-01`, {
        location: 'westeurope',
        kind: 'StorageV2',
        properties: { isHnsEnabled: true },
      });
      assert.equal(st.status, 200, st.text);
      url = st.json.properties.primaryEndpoints.dfs;
    });
    after(() => t?.stop());

    it('refused before Storage Blob Data Contributor; directories, append/flush, ranges, rename, list after', async () => {
      const denied = await run('pyfs');
      assert.deepEqual(
        denied['createFs'],
        { error: 'AuthorizationPermissionMismatch', status: 403 },
        JSON.stringify(denied),
      );
      const roleDefinitionId = `/subscriptions/${t.creds.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR}`;
      const ra = await t.arm(
        'PUT',
        `${accountId}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
        {
          properties: { roleDefinitionId, principalId: vm.principalId, principalType: 'ServicePrincipal' },
        },
      );
      assert.equal(ra.status, 201, ra.text);
      assert.deepEqual(await run('pyfs'), {
        createFs: 'ok',
        mkdir: 'ok',
        upload: 'ok',
        range: 'python',
        rename: 'ok',
        list: ['py2', 'py2/a.txt'],
        delete: 'ok',
      });
    });
  },
);
