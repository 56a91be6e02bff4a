import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, it } from 'node:test';
import { startServer, type RunningServer } from '../../src/server/app.js';
import { loadConfig } from '../../src/config/load.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { createLogger } from '../../src/kernel/log.js';
import { startAgent, type RunningAgent } from '../../src/agent/agent-runtime.js';
import { httpGet as get } from '../helpers/http.js';
import { describeOnPostgres, freshPgSchema } from '../helpers/postgres.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

const LIFETIME_S = 3600;

/**
 * Two nodes on one PostgreSQL: the detach is written to the store behind node A's back, as if A
 * had crashed between the commit and its notification (docs/architecture.md, "Several nodes"), so
 * no invalidation reaches the agent on node B. Only the half-life refresh can tell the agent; the
 * server refuses it, and the agent must stop serving the cached token then, not ride the refusal
 * out like an outage.
 */
await describeOnPostgres('a refused refresh drops the cached token (agent on node B, an unannounced detach)', () => {
  const clock = new ManualClock(Date.now());
  const dirs: string[] = [];
  let drop: () => Promise<void>;
  let a: TestServer;
  let b: RunningServer;
  let agent: RunningAgent;
  let vmId: string;
  let clientId: string;
  const imds = () =>
    get(
      `${agent.endpoints.imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net&client_id=${clientId}`,
      { Metadata: 'true' },
    );

  before(async () => {
    const schema = await freshPgSchema();
    drop = schema.drop;
    const masterKey = randomBytes(32).toString('base64');
    const config = { masterKey, managedIdentityTokenLifetimeSeconds: LIFETIME_S, signingWorkers: 0 };
    a = await startTestServer({ store: schema.url, clock, config });
    const dataDir = mkdtempSync(join(tmpdir(), 'openmi-node-b-'));
    dirs.push(dataDir);
    b = await startServer(loadConfig({ dataDir, port: 0, store: schema.url, logLevel: 'silent', ...config }, {}), {
      clock,
      log: createLogger('silent'),
    });
    const sub = a.creds.subscriptionId;
    await a.arm('PUT', `/subscriptions/${sub}/resourceGroups/rg?api-version=2025-04-01`, { location: 'local' });
    const u = await a.arm(
      'PUT',
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/worker?api-version=2024-11-30`,
      { location: 'local' },
    );
    clientId = u.json.properties.clientId;
    const vm = await a.arm(
      'PUT',
      `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`,
      {
        location: 'local',
        identity: { type: 'UserAssigned', userAssignedIdentities: { [u.json.id]: {} } },
      },
    );
    vmId = vm.json.id;
    const jt = await a.arm('POST', `${vmId}/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`, {});
    const caB = readFileSync(b.caCertPath, 'utf8');
    agent = await startAgent({
      serverUrl: b.baseUrl,
      ca: caB,
      joinToken: jt.json.token,
      listenHost: '127.0.0.1',
      listenPort: 0,
      log: createLogger('silent'),
      clock,
    });
  });
  after(async () => {
    await agent?.close({ leave: false });
    await b?.close();
    await a?.stop();
    await drop?.();
    dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
  });

  it('serves the cached token until the refresh at half-life is refused, then the workload gets 400', async () => {
    const first = await imds();
    assert.equal(first.status, 200, JSON.stringify(first.json));
    const vm = (await a.server.store.computeResources.get(vmId))!;
    assert.ok(
      await a.server.store.computeResources.update({ ...vm, userAssignedIdentityIds: [] }),
      'detached in the store, unannounced',
    );
    await new Promise((r) => setTimeout(r, 300)); // a window for an invalidation that must not come
    assert.equal(
      (await imds()).json.access_token,
      first.json.access_token,
      'no invalidation reached the agent (the premise of this test)',
    );

    clock.advance((LIFETIME_S / 2) * 1000 + 1000);
    const atHalfLife = await imds();
    assert.equal(atHalfLife.status, 200, 'the hit that starts the refresh is still served from the cache');
    const r = await waitFor(
      async () => {
        const r = await imds();
        return r.status !== 200 && r;
      },
      { what: "the agent to stop serving the detached identity's token after the refused refresh", timeoutMs: 2_000 },
    );
    assert.equal(r.status, 400, JSON.stringify(r.json));
    assert.match(r.json.error_description, /user-assigned identities attached: none/);
  });
});
