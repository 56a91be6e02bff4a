import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { ManualClock } from '../../kernel/clock.js';
import { startTestServer, type TestServer } from '../../../test/helpers/server.js';
import { RawAgent } from '../../../test/helpers/raw-agent.js';

describe('agent API: enrollment, assertions and minting', () => {
  const clock = new ManualClock(Date.now());
  let t: TestServer;
  let vmId: string;
  let uai: { id: string; clientId: string; principalId: string };
  const sub = () => t.creds.subscriptionId;

  const joinToken = async (resourceId = vmId, body: unknown = {}) => {
    const r = await t.arm('POST', `${resourceId}/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`, body);
    assert.equal(r.status, 200, r.text);
    return r.json.token as string;
  };
  const enrolled = async () => {
    const a = new RawAgent(t, clock);
    const r = await a.enroll(await joinToken());
    assert.equal(r.status, 201, r.text);
    a.id = r.json.agentId;
    return a;
  };
  const setIdentities = (identity: unknown) => t.arm('PATCH', `${vmId}?api-version=2024-07-01`, { identity });

  before(async () => {
    t = await startTestServer({ clock });
    await t.arm('PUT', `/subscriptions/${sub()}/resourceGroups/rg-a?api-version=2025-04-01`, { location: 'local' });
    const u = await t.arm(
      'PUT',
      `/subscriptions/${sub()}/resourceGroups/rg-a/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai-1?api-version=2024-11-30`,
      { location: 'local' },
    );
    uai = { id: u.json.id, ...u.json.properties };
    const vm = await t.arm(
      'PUT',
      `/subscriptions/${sub()}/resourceGroups/rg-a/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`,
      {
        location: 'local',
        identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [u.json.id]: {} } },
      },
    );
    vmId = vm.json.id;
  });
  after(() => t.stop());

  it('binds the agent to the resource of its join token, and a join token enrolls once', async () => {
    const token = await joinToken();
    const a = new RawAgent(t, clock);
    const first = await a.enroll(token);
    assert.equal(first.status, 201, first.text);
    assert.equal(first.json.resourceId, vmId);
    assert.equal(first.json.tenantId, t.creds.tenantId);
    const again = await new RawAgent(t, clock).enroll(token);
    assert.equal(again.status, 401);
    assert.equal(again.json.error, 'invalid_join_token');
    assert.match(again.json.error_description, /already used/);
    const forged = await new RawAgent(t, clock).enroll(`${token.split('.')[0]}.AAAA`);
    assert.equal(forged.status, 401);
  });

  it('refuses expired join tokens and join tokens for resources that do not exist', async () => {
    const token = await joinToken(vmId, { expiresInSeconds: 60 });
    clock.advance(61_000);
    const r = await new RawAgent(t, clock).enroll(token);
    assert.equal(r.status, 401);
    assert.match(r.json.error_description, /expired/);
    const missing = await t.arm(
      'POST',
      `/subscriptions/${sub()}/resourceGroups/rg-a/providers/Microsoft.Compute/virtualMachines/nope/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`,
      {},
    );
    assert.equal(missing.status, 404, missing.text);
  });

  it('mints tokens for attached identities only, and explains which are attached', async () => {
    const a = await enrolled();
    const system = await a.call('POST', 'token', { resource: 'https://vault.azure.net' });
    assert.equal(system.status, 200, system.text);
    assert.equal(system.json.identityResourceId, vmId);
    assert.equal(system.json.resource, 'https://vault.azure.net');
    const user = await a.call('POST', 'token', {
      resource: 'https://vault.azure.net',
      selector: { name: 'client_id', value: uai.clientId },
    });
    assert.equal(user.status, 200, user.text);
    assert.equal(user.json.objectId, uai.principalId);
    const other = await a.call('POST', 'token', {
      resource: 'https://vault.azure.net',
      selector: { name: 'object_id', value: randomUUID() },
    });
    assert.equal(other.status, 400);
    assert.equal(other.json.error, 'identity_not_found');
    assert.match(other.json.error_description, /object_id=/);
    assert.ok(other.json.error_description.includes(uai.id), other.json.error_description);
  });

  it('stops minting on the very next request after a detach, and pushes an invalidation', async () => {
    const a = await enrolled();
    const events = await openEvents(t, a);
    assert.equal(
      (await a.call('POST', 'token', { resource: 'api://x', selector: { name: 'msi_res_id', value: uai.id } })).status,
      200,
    );
    assert.equal((await setIdentities({ type: 'SystemAssigned' })).status, 200);
    const after = await a.call('POST', 'token', {
      resource: 'api://x',
      selector: { name: 'msi_res_id', value: uai.id },
    });
    assert.equal(after.status, 400, after.text);
    const ids = await events.next();
    assert.ok(ids.map((i: string) => i.toLowerCase()).includes(uai.id.toLowerCase()), JSON.stringify(ids));
    events.close();
    assert.equal(
      (await setIdentities({ type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [uai.id]: {} } })).status,
      200,
    );
  });

  it('refuses replayed, forged, mis-addressed and expired assertions', async () => {
    const a = await enrolled();
    const once = a.assertion();
    assert.equal((await a.call('GET', 'instance', undefined, once)).status, 200);
    const replay = await a.call('GET', 'instance', undefined, once);
    assert.equal(replay.status, 401);
    assert.match(replay.json.error_description, /replay/);
    const stranger = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    for (const bad of [
      a.assertion({}, 'ES256', stranger),
      a.assertion({ aud: 'https://elsewhere/openmi/agent/v1' }),
      a.assertion({}, 'HS256'),
      a.assertion({ iat: 0, exp: 100 }),
      a.assertion({ exp: Math.floor(clock.now() / 1000) + 3600 }),
    ]) {
      const r = await a.call('GET', 'instance', undefined, bad);
      assert.equal(r.status, 401, r.text);
      assert.equal(r.json.error, 'invalid_agent');
    }
  });

  it('serves instance metadata and forgets agents of deleted resources', async () => {
    const a = await enrolled();
    const inst = await a.call('GET', 'instance');
    assert.equal(inst.json.compute.resourceId, vmId);
    assert.equal(inst.json.compute.name, 'vm1');
    const vm2 = await t.arm(
      'PUT',
      `/subscriptions/${sub()}/resourceGroups/rg-a/providers/Microsoft.Compute/virtualMachines/vm2?api-version=2024-07-01`,
      { location: 'local', identity: { type: 'SystemAssigned' } },
    );
    const b = new RawAgent(t, clock);
    b.id = (await b.enroll(await joinToken(vm2.json.id))).json.agentId;
    assert.equal((await t.arm('DELETE', `${vm2.json.id}?api-version=2024-07-01`)).status, 200);
    const gone = await b.call('POST', 'token', { resource: 'api://x' });
    assert.equal(gone.status, 401);
    assert.equal(gone.json.error, 'invalid_agent');
  });
});

/** Reads `invalidate` events off the agent's event stream. */
async function openEvents(t: TestServer, a: RawAgent): Promise<{ next(): Promise<string[]>; close(): void }> {
  const { request } = await import('node:https');
  const queue: string[][] = [];
  const waiters: ((ids: string[]) => void)[] = [];
  let buffer = '';
  const req = request(`${t.server.baseUrl}/openmi/agent/v1/events`, {
    ca: t.ca,
    headers: { authorization: `OpenMI-Agent ${a.assertion()}` },
  });
  await new Promise<void>((resolve, reject) => {
    req.on('response', (res) => {
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let i;
        while ((i = buffer.indexOf('\n\n')) !== -1) {
          const block = buffer.slice(0, i);
          buffer = buffer.slice(i + 2);
          if (block.startsWith('event: ready')) resolve();
          if (!block.startsWith('event: invalidate')) continue;
          const ids = (JSON.parse(block.split('\ndata: ')[1]!) as { ids: string[] }).ids;
          const w = waiters.shift();
          if (w) w(ids);
          else queue.push(ids);
        }
      });
    });
    req.on('error', reject);
    req.end();
  });
  return {
    next: () => (queue.length ? Promise.resolve(queue.shift()!) : new Promise((r) => waiters.push(r))),
    close: () => req.destroy(),
  };
}
