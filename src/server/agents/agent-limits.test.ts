import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../kernel/clock.js';
import { startTestServer, type TestServer } from '../../../test/helpers/server.js';
import { RawAgent } from '../../../test/helpers/raw-agent.js';

describe('agent API limits: mints per agent, join tokens per resource', () => {
  const clock = new ManualClock(Date.now());
  let t: TestServer;
  let vmId: string;
  const sub = () => t.creds.subscriptionId;
  const createJoinToken = (resourceId = vmId, body: unknown = {}) =>
    t.arm('POST', `${resourceId}/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`, body);
  const createVm = async (name: string) =>
    (
      await t.arm(
        'PUT',
        `/subscriptions/${sub()}/resourceGroups/rg-l/providers/Microsoft.Compute/virtualMachines/${name}?api-version=2024-07-01`,
        { location: 'local', identity: { type: 'SystemAssigned' } },
      )
    ).json.id as string;

  before(async () => {
    t = await startTestServer({ clock, config: { agentTokenRequestsPerSecond: 1, joinTokensPerResource: 2 } });
    await t.arm('PUT', `/subscriptions/${sub()}/resourceGroups/rg-l?api-version=2025-04-01`, { location: 'local' });
    vmId = await createVm('vm-l');
  });
  after(() => t.stop());

  it('a resource has at most joinTokensPerResource unused, unexpired join tokens; using or outliving one frees a place', async () => {
    const first = await createJoinToken();
    assert.equal(first.status, 200, first.text);
    assert.equal((await createJoinToken(vmId, { expiresInSeconds: 60 })).status, 200);
    const refused = await createJoinToken();
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.json.error.code, 'QuotaExceeded');
    assert.match(refused.json.error.message, /already has 2 unused join tokens that have not expired; the limit is 2/);
    assert.match(refused.json.error.message, /joinTokensPerResource \(OPENMI_JOIN_TOKENS_PER_RESOURCE\)/);
    const agent = new RawAgent(t, clock);
    assert.equal((await agent.enroll(first.json.token)).status, 201);
    assert.equal((await createJoinToken()).status, 200, 'the used one no longer counts');
    assert.equal((await createJoinToken()).status, 409);
    clock.advance(60_000);
    assert.equal((await createJoinToken()).status, 200, 'expired ones no longer count');
    const elsewhere = await createJoinToken(await createVm('vm-other'));
    assert.equal(elsewhere.status, 200, 'the limit is per resource');
  });

  it('mints per agent are limited: 429 with Retry-After in the agent API envelope, recorded as a refused sign-in', async () => {
    const vm = await createVm('vm-mint');
    const token = await createJoinToken(vm);
    const agent = new RawAgent(t, clock);
    assert.equal((await agent.enroll(token.json.token)).status, 201);
    const other = new RawAgent(t, clock);
    assert.equal((await other.enroll((await createJoinToken(vm)).json.token)).status, 201);
    // Bursts of twice the rate (1/s): two mints, then the third is refused.
    assert.deepEqual(
      [(await agent.token('https://vault.azure.net')).status, (await agent.token('https://vault.azure.net')).status],
      [200, 200],
    );
    const refused = await agent.token('https://vault.azure.net');
    assert.equal(refused.status, 429, refused.text);
    assert.equal(refused.headers['retry-after'], '1');
    assert.equal(refused.json.error, 'too_many_requests');
    assert.match(
      refused.json.error_description,
      new RegExp(
        `Too many token requests from agent '${agent.id}': the limit is 1 mints per second per agent \\(bursts of 2\\)`,
      ),
    );
    assert.match(
      refused.json.error_description,
      /agentTokenRequestsPerSecond \(OPENMI_AGENT_TOKEN_REQUESTS_PER_SECOND\)/,
    );
    assert.ok(refused.json.correlation_id);
    assert.equal((await other.token('https://vault.azure.net')).status, 200, 'another agent has its own budget');
    clock.advance(1000);
    assert.equal((await agent.token('https://vault.azure.net')).status, 200);
    const rows = await t.server.store.audit.query('signIns', { eq: { result: 'failure' } }, 50);
    const mine = rows.items
      .map((r) => JSON.parse(r.data) as { agentId: string; errorCode: string })
      .filter((e) => e.agentId === agent.id);
    assert.deepEqual(
      mine.map((e) => e.errorCode),
      ['too_many_requests'],
    );
  });
});
