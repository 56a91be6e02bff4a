import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { describeEachStore } from '../helpers/postgres.js';
import { privateHostsMissing, withHosts } from '../helpers/private-hosts.js';
import { PYTHON, pythonMissing } from '../helpers/python.js';

// Not compiled: the Python client is read from the source tree.
const CLIENT = fileURLToPath(new URL('../../../test/conformance/clients/python_queue_sas.py', import.meta.url));
const skip = pythonMissing('azure.storage.queue');
const noHosts = privateHostsMissing();

/** One smoke test: Python's own generate_queue_sas, checked by openmi's shared SAS verifier. */
await describeEachStore(
  'azure-storage-queue for Python: a queue SAS made by the SDK',
  { skip: (process.env['CI'] !== 'true' && skip) || noHosts },
  (store) => {
    let t: TestServer;
    let args: string[];
    before(async () => {
      if (skip) throw new Error(skip);
      t = await startTestServer(await store.options());
      const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-pyq`;
      await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
      const id = `${rg}/providers/Microsoft.Storage/storageAccounts/pyq${Date.now().toString(36)}`;
      const st = await t.arm('PUT', `${id}?api-version=2023-05-01`, { location: 'westeurope', kind: 'StorageV2' });
      assert.equal(st.status, 200, st.text);
      const key = (await t.arm('POST', `${id}/listKeys?api-version=2023-05-01`)).json.keys[0].value;
      args = [st.json.properties.primaryEndpoints.queue, st.json.name, key];
    });
    after(() => t?.stop());

    it('sends and receives within sp=ap; peek (r) and a forged sp are refused', async () => {
      const [cmd, argv] = withHosts({ [new URL(args[0]!).hostname]: '127.0.0.1' }, PYTHON, [CLIENT, ...args]);
      const env = { PATH: process.env['PATH'] ?? '', REQUESTS_CA_BUNDLE: t.server.caCertPath };
      const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(cmd, argv, { env, timeout: 120_000 }, (e, stdout, stderr) =>
          resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stdout, stderr }),
        ),
      );
      assert.equal(r.code, 0, r.stderr);
      assert.deepEqual(JSON.parse(r.stdout), {
        create: 'ok',
        send: 'ok',
        receive: ['from python'],
        peek: { error: 'AuthorizationPermissionMismatch', status: 403 },
        forged: { error: 'AuthenticationFailed', status: 403 },
      });
    });
  },
);
