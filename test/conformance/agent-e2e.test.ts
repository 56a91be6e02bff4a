import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { RunningAgent } from '../../src/agent/agent-runtime.js';
import { httpGet as get } from '../helpers/http.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';
import { enrolledAgent } from '../helpers/enrolled-agent.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

describe('agent end to end: invalidation, refusals, openmi run', () => {
  let t: TestServer;
  let agent: RunningAgent;
  let vmId: string;
  let uaiId: string;
  let clientId: string;
  const imds = (query: string, headers: Record<string, string> = { Metadata: 'true' }) =>
    get(`${agent.endpoints.imds}/metadata/identity/oauth2/token?api-version=2018-02-01&${query}`, headers);

  before(async () => {
    t = await startTestServer();
    const sub = t.creds.subscriptionId;
    await t.arm('PUT', `/subscriptions/${sub}/resourceGroups/rg-e2e?api-version=2025-04-01`, { location: 'local' });
    const u = await t.arm(
      'PUT',
      `/subscriptions/${sub}/resourceGroups/rg-e2e/providers/Microsoft.ManagedIdentity/userAssignedIdentities/worker?api-version=2024-11-30`,
      { location: 'local' },
    );
    uaiId = u.json.id;
    clientId = u.json.properties.clientId;
    const vm = await t.arm(
      'PUT',
      `/subscriptions/${sub}/resourceGroups/rg-e2e/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`,
      {
        location: 'local',
        identity: { type: 'UserAssigned', userAssignedIdentities: { [uaiId]: {} } },
      },
    );
    vmId = vm.json.id;
    agent = await enrolledAgent(t, vmId);
  });
  after(async () => {
    await agent.close({ leave: true });
    await t.stop();
  });

  it('refuses requests without Metadata: true, with X-Forwarded-For, and without the identity header', async () => {
    const noHeader = await imds(`resource=api://x&client_id=${clientId}`, {});
    assert.equal(noHeader.status, 400);
    const proxied = await imds(`resource=api://x&client_id=${clientId}`, {
      Metadata: 'true',
      'X-Forwarded-For': '10.0.0.1',
    });
    assert.equal(proxied.status, 400);
    const appService = await get(
      `${agent.endpoints.identityEndpoint}?api-version=2019-08-01&resource=api://x&client_id=${clientId}`,
    );
    assert.equal(appService.status, 401);
    const wrong = await get(
      `${agent.endpoints.identityEndpoint}?api-version=2019-08-01&resource=api://x&client_id=${clientId}`,
      { 'X-IDENTITY-HEADER': 'guess' },
    );
    assert.equal(wrong.status, 401);
    const right = await get(
      `${agent.endpoints.identityEndpoint}?api-version=2019-08-01&resource=api://x&client_id=${clientId}`,
      { 'X-IDENTITY-HEADER': agent.identityHeader },
    );
    assert.equal(right.status, 200);
  });

  it('/metadata/instance names the subscription, group, name and location the way IMDS does', async () => {
    const r = await get(`${agent.endpoints.imds}/metadata/instance?api-version=2021-02-01`, { Metadata: 'true' });
    assert.equal(r.status, 200, JSON.stringify(r.json));
    const vm = await t.arm('GET', `${vmId}?api-version=2024-07-01`);
    const c = r.json.compute;
    assert.deepEqual(
      [c.subscriptionId, c.resourceGroupName, c.name, c.location, c.resourceId],
      [t.creds.subscriptionId, 'rg-e2e', 'vm1', vm.json.location, vmId],
    );
    assert.equal(c.azEnvironment, 'AzurePublicCloud');
    assert.equal(c.provider, 'Microsoft.Compute');
    assert.match(c.vmId, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    assert.deepEqual(r.json.network, { interface: [] });
  });

  it('after a detach, the next token request fails within 1 s with a 400 and the cached token is gone', async () => {
    const first = await imds(`resource=https://vault.azure.net&client_id=${clientId}`);
    assert.equal(first.status, 200);
    assert.equal(
      (await imds(`resource=https://vault.azure.net&client_id=${clientId}`)).json.access_token,
      first.json.access_token,
      'served from the cache',
    );
    const detached = await t.arm('PATCH', `${vmId}?api-version=2024-07-01`, { identity: { type: 'None' } });
    assert.equal(detached.status, 200, JSON.stringify(detached.json));
    const r = await waitFor(
      async () => {
        const r = await imds(`resource=https://vault.azure.net&client_id=${clientId}`);
        return r.status !== 200 && r;
      },
      { what: 'the agent to stop serving the detached identity', timeoutMs: 1_000 },
    );
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.match(r.json.error_description, new RegExp(`client_id=${clientId}`));
    assert.match(r.json.error_description, /user-assigned identities attached: none/);
  });

  it("openmi run returns the command's exit code and forwards signals", async () => {
    const run = (args: string[]) =>
      spawn(
        process.execPath,
        [MAIN, 'run', '--data-dir', t.dataDir, '--resource', vmId, '--', process.execPath, ...args],
        { env: { PATH: process.env['PATH'] ?? '' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
    const exit = (c: ReturnType<typeof run>) => new Promise<number | null>((r) => c.on('exit', (code) => r(code)));
    assert.equal(await exit(run(['-e', 'process.exit(7)'])), 7);
    const waiting = run([
      '-e',
      "process.on('SIGTERM', () => process.exit(42)); console.log('ready'); setInterval(() => {}, 1000)",
    ]);
    await new Promise<void>((r) => waiting.stdout!.once('data', () => r()));
    waiting.kill('SIGTERM');
    assert.equal(await exit(waiting), 42);
    const missing = await new Promise<number>((r) =>
      execFile(
        process.execPath,
        [MAIN, 'run', '--data-dir', t.dataDir, '--resource', vmId, '--', 'no-such-command-xyz'],
        (e) => r((e as { code?: number } | null)?.code ?? 0),
      ),
    );
    assert.equal(missing, 127);
  });

  it('openmi env --resource starts a background agent and prints the variables that reach it', async () => {
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [MAIN, 'env', '--resource', vmId, '--data-dir', t.dataDir, '--format', 'json'],
        { env: { PATH: process.env['PATH'] ?? '' }, timeout: 30_000 },
        (e, stdout, stderr) => (e ? reject(new Error(stderr)) : resolve(stdout)),
      ),
    );
    const env = JSON.parse(out) as Record<string, string>;
    const pid = Number(env['OPENMI_AGENT_PID']);
    try {
      assert.equal(env['NODE_EXTRA_CA_CERTS'], `${t.dataDir}/ca.pem`);
      assert.match(env['AZURE_POD_IDENTITY_AUTHORITY_HOST']!, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(env['MSI_ENDPOINT'], env['IDENTITY_ENDPOINT']);
      await t.arm('PATCH', `${vmId}?api-version=2024-07-01`, { identity: { type: 'SystemAssigned' } });
      const r = await get(`${env['IDENTITY_ENDPOINT']}?api-version=2019-08-01&resource=api://x`, {
        'X-IDENTITY-HEADER': env['IDENTITY_HEADER']!,
      });
      assert.equal(r.status, 200, JSON.stringify(r.json));
      assert.equal(r.json.resource, 'api://x');
    } finally {
      process.kill(pid, 'SIGTERM');
    }
  });
});
