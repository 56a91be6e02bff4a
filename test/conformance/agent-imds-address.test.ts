import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpGet as get } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
/** A loopback address no other test binds; port 80 needs root, as 169.254.169.254:80 does on a real host. */
const ADDRESS = '127.77.0.9';
const root = process.getuid?.() === 0;

const cli = (args: string[]) =>
  new Promise<{ code: number; stderr: string }>((resolve) =>
    execFile(process.execPath, [MAIN, ...args], { timeout: 30_000 }, (e, _o, stderr) =>
      resolve({ code: e ? ((e as { code?: number }).code ?? 1) : 0, stderr }),
    ),
  );

describe('openmi agent --imds-address', () => {
  let t: TestServer;
  let vmId: string;
  let agent: ChildProcess | undefined;

  before(async () => {
    t = await startTestServer();
    const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-imds`;
    await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
    const vm = await t.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`, {
      location: 'westeurope',
      identity: { type: 'SystemAssigned' },
    });
    vmId = vm.json.id;
  });
  after(async () => {
    agent?.kill('SIGTERM');
    await t.stop();
  });

  it(
    'serves IMDS at the given address on port 80, as the tutorials call it',
    { skip: !root && 'needs root for port 80' },
    async () => {
      const ready = join(t.dataDir, 'agent-ready.json');
      agent = spawn(
        process.execPath,
        [MAIN, 'agent', '--resource', vmId, '--data-dir', t.dataDir, '--imds-address', ADDRESS, '--ready-file', ready],
        { stdio: 'ignore' },
      );
      await waitFor(() => existsSync(ready), { what: 'the agent to listen', timeoutMs: 30_000 });
      const env = JSON.parse(readFileSync(ready, 'utf8')).env as Record<string, string>;
      assert.equal(env['AZURE_POD_IDENTITY_AUTHORITY_HOST'], `http://${ADDRESS}:80`);
      const token = await get(
        `http://${ADDRESS}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/`,
        { Metadata: 'true' },
      );
      assert.equal(token.status, 200, JSON.stringify(token.json));
      const instance = await get(`http://${ADDRESS}/metadata/instance?api-version=2021-02-01`, { Metadata: 'true' });
      assert.equal(instance.json.compute.resourceId, vmId);
    },
  );

  it('refuses a name, and --listen given as well', async () => {
    const name = await cli(['agent', '--resource', vmId, '--data-dir', t.dataDir, '--imds-address', 'imds.local']);
    assert.equal(name.code, 2);
    assert.match(name.stderr, /--imds-address must be an IP address/);
    const both = await cli([
      'agent',
      '--resource',
      vmId,
      '--data-dir',
      t.dataDir,
      '--listen',
      '127.0.0.1:0',
      '--imds-address',
      ADDRESS,
    ]);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /either --listen or --imds-address/);
  });
});
