import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/kernel/log.js';
import { AgentClient } from '../../src/agent/agent-client.js';
import { startAgent, type RunningAgent } from '../../src/agent/agent-runtime.js';
import { loadState } from '../../src/agent/agent-state.js';
import type { AgentSignIn } from '../../src/agent/sign-in-buffer.js';
import { httpGet as get } from '../helpers/http.js';
import { httpsRequest } from '../helpers/https.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

describe('agent cache hits reach the sign-in log (docs/audit.md)', () => {
  let t: TestServer;
  let agent: RunningAgent;
  let stateDir: string;
  let vmId: string;
  let clientId: string;

  /** Sign-in rows with this correlation id, polled for up to 3 s. */
  async function rowsFor(correlationId: string, want = 1): Promise<any[]> {
    return waitFor(
      async () => {
        const r = await t.arm('GET', '/providers/OpenMI.Audit/signIns?api-version=2025-01-01');
        const rows = (r.json.value as any[]).filter((s) => s.correlationId === correlationId);
        return rows.length >= want && rows;
      },
      { what: `${want} sign-in row(s) with correlation id ${correlationId}`, timeoutMs: 3_000, intervalMs: 100 },
    );
  }

  before(async () => {
    t = await startTestServer();
    stateDir = mkdtempSync(join(tmpdir(), 'openmi-signins-'));
    const sub = t.creds.subscriptionId;
    await t.arm('PUT', `/subscriptions/${sub}/resourceGroups/rg-s?api-version=2025-04-01`, { location: 'local' });
    const u = await t.arm(
      'PUT',
      `/subscriptions/${sub}/resourceGroups/rg-s/providers/Microsoft.ManagedIdentity/userAssignedIdentities/worker?api-version=2024-11-30`,
      { location: 'local' },
    );
    clientId = u.json.properties.clientId;
    const vm = await t.arm(
      'PUT',
      `/subscriptions/${sub}/resourceGroups/rg-s/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`,
      {
        location: 'local',
        identity: { type: 'UserAssigned', userAssignedIdentities: { [u.json.id]: {} } },
      },
    );
    vmId = vm.json.id;
    const jt = await t.arm('POST', `${vmId}/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`, {});
    agent = await startAgent({
      serverUrl: t.server.baseUrl,
      ca: t.ca,
      joinToken: jt.json.token,
      stateDir,
      listenHost: '127.0.0.1',
      listenPort: 0,
      log: createLogger('silent'),
    });
  });
  after(async () => {
    await agent?.close({ leave: true });
    await t?.stop();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it('a cached IMDS hit and a local refusal each get a row within ~2 s, with the agent as caller', async () => {
    const url = `${agent.endpoints.imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net&client_id=${clientId}`;
    assert.equal((await get(url, { Metadata: 'true' })).status, 200, 'the miss: minted by the server');
    const hitId = randomUUID();
    assert.equal((await get(url, { Metadata: 'true', 'x-ms-client-request-id': hitId })).status, 200);
    const refusedId = randomUUID();
    assert.equal((await get(url, { 'x-ms-client-request-id': refusedId })).status, 400);
    const [hit] = await rowsFor(hitId);
    assert.ok(hit, 'the cache hit has a sign-in row');
    assert.deepEqual(
      [hit.result, hit.source, hit.flow, hit.appId, hit.resourceId],
      ['success', 'agentCache', 'managedIdentity', clientId, 'https://vault.azure.net'],
    );
    assert.deepEqual(
      [hit.managedServiceIdentity.associatedResourceId, hit.managedServiceIdentity.agentId],
      [vmId, agent.agentId],
    );
    const [refused] = await rowsFor(refusedId);
    assert.ok(refused, 'the local refusal has a sign-in row');
    assert.equal(refused.result, 'failure');
    assert.equal(refused.source, 'agentCache');
  });

  it('an uploaded event naming another calling resource or agent is recorded as the authenticated agent', async () => {
    const state = loadState(stateDir)!;
    const client = new AgentClient({
      serverUrl: t.server.baseUrl,
      ca: t.ca,
      agentId: state.agentId,
      privateKey: createPrivateKey(state.privateKeyPem),
    });
    const id = randomUUID();
    const forged = {
      at: Date.now(),
      correlationId: id,
      audience: 'api://x',
      principalId: null,
      clientId: null,
      identityResourceId: null,
      result: 'success',
      errorCode: null,
      reason: null,
      latencyMs: 1,
      callingResourceId: '/subscriptions/x/resourceGroups/y/providers/Microsoft.Compute/virtualMachines/other',
      agentId: 'someone-else',
    } as AgentSignIn;
    try {
      await client.uploadSignIns([forged]);
    } finally {
      client.close();
    }
    const [row] = await rowsFor(id);
    assert.ok(row, 'the upload is durable once acknowledged');
    assert.equal(row.managedServiceIdentity.associatedResourceId, vmId);
    assert.equal(row.managedServiceIdentity.agentId, state.agentId);
  });

  it("an agent's drop notice reaches the log and the server's Prometheus counter, by cause", async () => {
    const state = loadState(stateDir)!;
    const client = new AgentClient({
      serverUrl: t.server.baseUrl,
      ca: t.ca,
      agentId: state.agentId,
      privateKey: createPrivateKey(state.privateKeyPem),
    });
    const id = randomUUID();
    const notice: AgentSignIn = {
      at: Date.now(),
      correlationId: id,
      audience: null,
      principalId: null,
      clientId: null,
      identityResourceId: null,
      result: 'failure',
      errorCode: 'agent_signins_dropped',
      reason: 'the agent dropped the sign-in rows of 7 requests: the server was unreachable (ECONNREFUSED)',
      latencyMs: 0,
      dropped: { requests: 7, cause: 'unreachable' },
    };
    try {
      await client.uploadSignIns([notice]);
    } finally {
      client.close();
    }
    const [row] = await rowsFor(id);
    assert.match(row.status.failureReason, /server was unreachable/);
    const metrics = await httpsRequest(`${t.server.baseUrl}/metrics`, { method: 'GET', ca: t.ca });
    assert.match(metrics.text, /^openmi_agent_sign_ins_dropped_total\{cause="unreachable"\} 7$/m);
  });
});
