import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startTestServer, type TestServer } from '../../../test/helpers/server.js';
import { RawAgent } from '../../../test/helpers/raw-agent.js';

const cli = (args: string[]) =>
  promisify(execFile)(process.execPath, [fileURLToPath(new URL('../../cli/main.js', import.meta.url)), ...args]);
const UAI = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

describe('identity usage, unused identities and impact (sqlite)', () => {
  let t: TestServer;
  const ids: Record<string, string> = {};
  const sub = () => `/subscriptions/${t.creds.subscriptionId}`;
  const ok = async (p: Promise<{ status: number; text: string; json: any }>) => {
    const r = await p;
    assert.ok(r.status < 300, r.text);
    return r.json;
  };

  before(async () => {
    t = await startTestServer();
    await ok(t.arm('PUT', `${sub()}/resourceGroups/rg-u?api-version=2025-04-01`, { location: 'local' }));
    for (const n of ['used', 'idle']) {
      const u = await ok(
        t.arm('PUT', `${sub()}/resourceGroups/rg-u/providers/${UAI}/${n}?api-version=2024-11-30`, {
          location: 'local',
        }),
      );
      Object.assign(ids, {
        [n]: u.id,
        [`${n}Client`]: u.properties.clientId,
        [`${n}Principal`]: u.properties.principalId,
      });
    }
    for (const vm of ['vm1', 'vm2']) {
      const v = await ok(
        t.arm(
          'PUT',
          `${sub()}/resourceGroups/rg-u/providers/Microsoft.Compute/virtualMachines/${vm}?api-version=2024-07-01`,
          { location: 'local', identity: { type: 'UserAssigned', userAssignedIdentities: { [ids['used']!]: {} } } },
        ),
      );
      ids[vm] = v.id;
    }
    ids['ra'] =
      `${sub()}/resourceGroups/rg-u/providers/Microsoft.Authorization/roleAssignments/5b0c3a4e-7d7a-4f57-9a55-3d3c5a0f0b11`;
    await ok(
      t.arm('PUT', `${ids['ra']}?api-version=2022-04-01`, {
        properties: {
          roleDefinitionId: `${sub()}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
          principalId: ids['usedPrincipal'],
        },
      }),
    );
    await ok(
      t.arm('PUT', `${ids['used']}/federatedIdentityCredentials/gh-fic?api-version=2024-11-30`, {
        properties: {
          issuer: 'https://issuer.example',
          subject: 'repo:a/b',
          audiences: ['api://AzureADTokenExchange'],
        },
      }),
    );
    const join = await ok(t.arm('POST', `${ids['vm1']}/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`, {}));
    const agent = new RawAgent(t);
    assert.equal((await agent.enroll(join.token)).status, 201);
    for (let i = 0; i < 2; i++)
      assert.equal(
        (await agent.token('https://vault.azure.net', { name: 'client_id', value: ids['usedClient']! })).status,
        200,
      );
    assert.notEqual(
      (await agent.token('https://vault.azure.net', { name: 'client_id', value: ids['idleClient']! })).status,
      200,
      'vm1 does not carry the idle identity',
    );
  });
  after(() => t?.stop());

  it('usage lists carriers, role assignments, federated credentials and first/last use for the calling VM only', async () => {
    const u = await ok(t.arm('GET', `${ids['used']}/providers/OpenMI.Audit/usage?api-version=2025-01-01`));
    assert.equal(u.principalId, ids['usedPrincipal']);
    assert.deepEqual([...u.resources].sort(), [ids['vm1'], ids['vm2']].sort());
    assert.deepEqual(
      u.roleAssignments.map((a: any) => a.id.toLowerCase()),
      [ids['ra']!.toLowerCase()],
    );
    assert.deepEqual(u.federatedCredentials, [
      { name: 'gh-fic', issuer: 'https://issuer.example', subject: 'repo:a/b' },
    ]);
    assert.equal(u.usage.length, 1);
    const [v] = u.usage;
    assert.equal(v.callingResourceId.toLowerCase(), ids['vm1']!.toLowerCase());
    assert.equal(v.successes, 2);
    assert.ok(Date.parse(v.firstUse) <= Date.parse(v.lastUse));
  });

  it("a refused attempt is on the named identity's record as a failure, and does not count as use", async () => {
    const u = await ok(t.arm('GET', `${ids['idle']}/providers/OpenMI.Audit/usage?api-version=2025-01-01`));
    assert.deepEqual(
      u.usage.map((v: any) => [v.callingResourceId.toLowerCase(), v.successes, v.failures, v.lastUse]),
      [[ids['vm1']!.toLowerCase(), 0, 1, null]],
    );
    const rows = await ok(
      t.arm(
        'GET',
        `/providers/OpenMI.Audit/signIns?api-version=2025-01-01&identity=${encodeURIComponent(ids['idle']!)}`,
      ),
    );
    assert.deepEqual(
      rows.value.map((r: any) => [
        r.result,
        r.status.errorCode,
        r.managedServiceIdentity.associatedResourceId.toLowerCase(),
      ]),
      [['failure', 'identity_not_found', ids['vm1']!.toLowerCase()]],
    );
  });

  it('unused --days 1 lists the never-used identity but not the used one', async () => {
    const r = await ok(t.arm('GET', `${sub()}/providers/OpenMI.Audit/unusedIdentities?api-version=2025-01-01&days=1`));
    assert.deepEqual(
      r.value.map((i: any) => [i.name, i.lastUse]),
      [['idle', null]],
    );
    const bad = await t.arm('GET', `${sub()}/providers/OpenMI.Audit/unusedIdentities?api-version=2025-01-01&days=0`);
    assert.equal(bad.status, 400, bad.text);
  });

  it('impact lists both VMs for deletion, and only the VM that used it for a role assignment', async () => {
    const all = await ok(t.arm('GET', `${ids['used']}/providers/OpenMI.Audit/impact?api-version=2025-01-01`));
    assert.deepEqual(all.resources.map((r: any) => r.id).sort(), [ids['vm1'], ids['vm2']].sort());
    const ra = await ok(
      t.arm(
        'GET',
        `${ids['used']}/providers/OpenMI.Audit/impact?api-version=2025-01-01&roleAssignmentId=${encodeURIComponent(ids['ra']!)}`,
      ),
    );
    assert.deepEqual(
      ra.resources.map((r: any) => r.id),
      [ids['vm1']],
    );
    assert.equal(ra.roleAssignment.scope.toLowerCase(), `${sub()}/resourceGroups/rg-u`.toLowerCase());
    const other = await t.arm(
      'GET',
      `${ids['idle']}/providers/OpenMI.Audit/impact?api-version=2025-01-01&roleAssignmentId=${encodeURIComponent(ids['ra']!)}`,
    );
    assert.equal(other.status, 404, other.text);
  });

  it('the CLI prints usage, unused and impact as JSON', async () => {
    const d = ['--data-dir', t.dataDir, '-o', 'json'];
    const usage = JSON.parse((await cli(['identity', 'usage', ...d, '-g', 'rg-u', '-n', 'used'])).stdout);
    assert.equal(usage.usage[0].successes, 2);
    const unused = JSON.parse((await cli(['identity', 'unused', ...d, '--days', '1'])).stdout);
    assert.deepEqual(
      unused.map((i: any) => i.name),
      ['idle'],
    );
    const impact = JSON.parse(
      (
        await cli([
          'identity',
          'impact',
          ...d,
          '-g',
          'rg-u',
          '-n',
          'used',
          '--role-assignment',
          ids['ra']!.split('/').pop()!,
        ])
      ).stdout,
    );
    assert.deepEqual(
      impact.resources.map((r: any) => r.id),
      [ids['vm1']],
    );
    assert.match(
      (await cli(['identity', 'unused', '--data-dir', t.dataDir, '--days', '1'])).stdout,
      /idle\s+rg-u\s+never/,
    );
  });
});
