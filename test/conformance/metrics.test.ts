import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunningAgent } from '../../src/agent/agent-runtime.js';
import { enrolledAgent } from '../helpers/enrolled-agent.js';
import { httpGet as get } from '../helpers/http.js';
import { httpsRequest } from '../helpers/https.js';
import { describeEachStore } from '../helpers/postgres.js';
import { parseExposition, valueOf, type Exposition } from '../helpers/prometheus.js';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { waitFor } from '../helpers/wait.js';

const ZONE = 'openmi.localhost';

/** GET /metrics as Prometheus does, parsed strictly (test/helpers/prometheus.ts). */
async function scrape(url: string, ca?: string): Promise<Exposition> {
  const r = await httpsRequest(url, { method: 'GET', ...(ca ? { ca } : {}) });
  assert.equal(r.status, 200, r.text);
  assert.match(String(r.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  return parseExposition(r.text);
}

/** A value that must be present; `at least` makes the assertion say what was expected. */
function atLeast(e: Exposition, min: number, name: string, labels: Record<string, string> = {}): number {
  const v = valueOf(e, name, labels);
  assert.ok(v !== undefined && v >= min, `${name}${JSON.stringify(labels)} = ${v}, expected >= ${min}`);
  return v;
}

void describeEachStore('Prometheus metrics of the server and the agent (docs/operations.md#metrics)', (store) => {
  let t: TestServer;
  let agent: RunningAgent;
  let imdsUrl: string;
  let ids: string[];

  before(async () => {
    t = await startTestServer(await store.options());
    const sub = t.creds.subscriptionId;
    const rg = `/subscriptions/${sub}/resourceGroups/rg-m`;
    await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'local' });
    const u = await t.arm(
      'PUT',
      `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/worker?api-version=2024-11-30`,
      { location: 'local' },
    );
    const vm = await t.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`, {
      location: 'local',
      identity: { type: 'UserAssigned', userAssignedIdentities: { [u.json.id]: {} } },
    });
    await t.arm('PUT', `${rg}/providers/Microsoft.KeyVault/vaults/kv-m?api-version=2023-07-01`, {
      location: 'local',
      properties: {},
    });
    agent = await enrolledAgent(t, vm.json.id);
    const clientId = u.json.properties.clientId as string;
    imdsUrl = `${agent.endpoints.imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://vault.azure.net&client_id=${clientId}`;
    ids = [t.creds.tenantId, t.creds.clientId, sub, clientId, u.json.properties.principalId, agent.agentId];
  });
  after(async () => {
    await agent?.close({ leave: true });
    await t?.stop();
  });

  it('the server counts tokens, refusals, RBAC decisions, audit batches and store calls', async () => {
    await t.adminToken();
    const refused = await httpsRequest(`${t.server.baseUrl}/${t.creds.tenantId}/oauth2/v2.0/token`, {
      method: 'POST',
      ca: t.ca,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: t.creds.clientId,
        client_secret: 'wrong',
        scope: `${t.server.baseUrl}/.default`,
      }).toString(),
    });
    assert.equal(refused.status, 401, refused.text);
    assert.equal(
      (await t.arm('GET', `/subscriptions/${t.creds.subscriptionId}/resourcegroups?api-version=2025-04-01`)).status,
      200,
    );
    const port = new URL(t.server.baseUrl).port;
    const vault = await httpsRequest(`${t.server.baseUrl}/secrets?api-version=7.4`, {
      method: 'GET',
      ca: t.ca,
      headers: {
        host: `kv-m.vault.${ZONE}:${port}`,
        authorization: `Bearer ${await t.adminToken(`https://vault.${ZONE}`)}`,
      },
    });
    assert.equal(vault.status, 403, 'the admin holds no Key Vault data role: RBAC denies');
    assert.equal((await get(imdsUrl, { Metadata: 'true' })).status, 200, 'a miss: the agent asks the server');

    const m = await scrape(`${t.server.baseUrl}/metrics`, t.ca);
    atLeast(m, 3, 'openmi_tokens_issued_total', { flow: 'client_credentials', identity_kind: 'application' });
    atLeast(m, 1, 'openmi_tokens_issued_total', { flow: 'managed_identity', identity_kind: 'user_assigned' });
    assert.equal(
      valueOf(m, 'openmi_tokens_refused_total', { flow: 'client_credentials', reason: 'invalid_client' }),
      1,
    );
    atLeast(m, 4, 'openmi_token_request_duration_seconds_count', { flow: 'client_credentials' });
    atLeast(m, 1, 'openmi_token_request_duration_seconds_count', { flow: 'managed_identity' });
    atLeast(m, 4, 'openmi_token_mint_duration_seconds_count');
    assert.ok(atLeast(m, 0, 'openmi_token_mint_duration_seconds_sum') > 0);
    atLeast(m, 1, 'openmi_rbac_decisions_total', { result: 'allowed', plane: 'arm' });
    atLeast(m, 1, 'openmi_rbac_decisions_total', { result: 'denied', plane: 'data' });
    const batches = atLeast(m, 1, 'openmi_audit_batch_rows_count', { log: 'signIns' });
    assert.ok(atLeast(m, 5, 'openmi_audit_batch_rows_sum', { log: 'signIns' }) >= batches, 'a batch holds rows');
    atLeast(m, 1, 'openmi_audit_batch_duration_seconds_count', { log: 'signIns' });
    for (const op of ['read', 'write', 'tx'])
      atLeast(m, 1, 'openmi_store_query_duration_seconds_count', { store: store.name, op });
    atLeast(m, 1, 'openmi_http_requests_total', { surface: 'oauth', method: 'POST', status: '401' });
    for (const s of m.samples)
      for (const v of Object.values(s.labels))
        assert.ok(
          !ids.some((id) => v.toLowerCase().includes(id.toLowerCase())),
          `an id as a label value: ${s.name} ${v}`,
        );
  });

  it("the agent's /metrics counts cache results and its sign-in rows", async () => {
    assert.equal((await get(imdsUrl, { Metadata: 'true' })).status, 200, 'a hit (the server already minted it)');
    assert.equal((await get(imdsUrl, {})).status, 400, 'a local refusal: no Metadata header');
    // The buffer uploads every second; the rows of these two requests leave within a few.
    const m = await waitFor(
      async () => {
        const e = await scrape(`${agent.endpoints.imds}/metrics`);
        return (valueOf(e, 'openmi_agent_sign_ins_uploaded_total') ?? 0) >= 2 && e;
      },
      { what: 'the agent to upload the sign-in rows of 2 requests', timeoutMs: 10_000, intervalMs: 200 },
    );
    assert.equal(valueOf(m, 'openmi_agent_token_cache_total', { result: 'miss' }), 1);
    atLeast(m, 1, 'openmi_agent_token_cache_total', { result: 'hit' });
    assert.equal(valueOf(m, 'openmi_agent_token_cache_total', { result: 'stale' }), 0);
    assert.equal(valueOf(m, 'openmi_agent_token_cache_entries'), 1);
    atLeast(m, 2, 'openmi_agent_sign_ins_aggregated_total');
    atLeast(m, 1, 'openmi_agent_sign_in_rows_uploaded_total');
    assert.equal(valueOf(m, 'openmi_agent_sign_in_rows_buffered'), 0);
    for (const cause of ['unreachable', 'refused', 'bound'])
      assert.equal(valueOf(m, 'openmi_agent_sign_ins_dropped_total', { cause }), 0);
    const server = await scrape(`${t.server.baseUrl}/metrics`, t.ca);
    atLeast(server, 1, 'openmi_agent_sign_in_requests_total', { result: 'success' });
  });

  it('the agent answers /metrics only behind its Host check, like every metadata route', async () => {
    const r = await get(`${agent.endpoints.imds}/metrics`, { host: 'evil.example:80' });
    assert.equal(r.status, 403);
  });
});
