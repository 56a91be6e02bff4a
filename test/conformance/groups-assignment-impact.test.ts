import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { forEachStore } from '../helpers/postgres.js';
import { cliFor } from '../helpers/cli-harness.js';
import { assignRole, keyVaultClient } from '../helpers/key-vault-client.js';

const SECRETS_USER = '4633458b-17de-408a-b874-0445c86b69e6';
const GET_SECRET = 'Microsoft.KeyVault/vaults/secrets/getSecret/action';
const API = 'api-version=2025-01-01';

await forEachStore((storeName, storeSpec) => {
  describe(`impact of removing a group's role assignment, per transitive member, on ${storeName}`, () => {
    let t: TestServer;
    let rg: string;
    let vault: { id: string; properties: { vaultUri: string } };
    let vmA: any;
    let vmB: any;
    let uai: any;
    let readers: string;
    let team: string;
    let onGroup: string;
    let direct: string;
    const assign = (scope: string, principal: string, principalType: string) =>
      assignRole(t, scope, SECRETS_USER, principal, principalType);
    const group = async (displayName: string): Promise<string> => {
      const r = await t.arm('POST', '/v1.0/groups', { displayName, mailNickname: displayName, securityEnabled: true });
      assert.equal(r.status, 201, r.text);
      return r.json.id;
    };
    const add = async (groupId: string, id: string) => {
      const r = await t.arm('POST', `/v1.0/groups/${groupId}/members/$ref`, {
        '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}`,
      });
      assert.equal(r.status, 204, r.text);
    };
    const vm = async (name: string, identity: object) => {
      const r = await t.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/${name}?api-version=2024-07-01`, {
        location: 'local',
        identity,
      });
      assert.equal(r.status, 201, r.text);
      return r.json;
    };
    /** One Key Vault read through the unmodified SDK: 404 (no such secret) means the token was granted. */
    const readOnce = async (resourceId: string, clientId?: string) => {
      const c = keyVaultClient(t.dataDir, resourceId, vault.properties.vaultUri, clientId);
      try {
        const r = await c.call({ op: 'get', name: 'absent' });
        assert.equal(r.statusCode, 404, JSON.stringify(r));
      } finally {
        await c.close();
      }
    };

    before(async () => {
      const spec = await storeSpec();
      t = await startTestServer({ store: spec.spec, onStop: spec.drop });
      const cli = cliFor(t);
      rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-ra-impact`;
      await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'local' });
      const kv = await t.arm('PUT', `${rg}/providers/Microsoft.KeyVault/vaults/kv-impact?api-version=2023-07-01`, {
        location: 'local',
        properties: { tenantId: t.creds.tenantId, sku: { family: 'A', name: 'standard' } },
      });
      assert.equal(kv.status, 201, kv.text);
      vault = kv.json;
      uai = await cli.json<any>('identity', 'create', '-g', 'rg-ra-impact', '-n', 'app-a-id');
      vmA = await vm('app-a', { type: 'UserAssigned', userAssignedIdentities: { [uai.id]: {} } });
      vmB = await vm('app-b', { type: 'SystemAssigned' });
      // kv-readers holds Secrets User on the vault; app-a's identity is in it through 'team',
      // app-b's system-assigned identity directly, and app-b also holds the role on its own.
      readers = await group('kv-readers');
      team = await group('team');
      onGroup = await assign(vault.id, readers, 'Group');
      direct = await assign(vault.id, vmB.identity.principalId, 'ServicePrincipal');
      await add(readers, team);
      await add(team, uai.properties.principalId);
      await add(readers, vmB.identity.principalId);
      await readOnce(vmA.id, uai.properties.clientId);
      await readOnce(vmB.id);
    });
    after(() => t.stop());

    it('openmi directory-group impact: the nested member loses the vault it used; the direct holder nothing', async () => {
      const name = onGroup.split('/').pop()!;
      const r = await cliFor(t).json<any>('directory-group', 'impact', '-g', 'kv-readers', '--assignment', name);
      assert.equal(r.roleAssignment.id, onGroup);
      assert.equal(r.roleAssignment.roleName, 'Key Vault Secrets User');
      const byId = new Map(r.members.map((m: any) => [m.principalId, m]));
      assert.deepEqual([...byId.keys()].sort(), [uai.properties.principalId, vmB.identity.principalId].sort());

      const a: any = byId.get(uai.properties.principalId);
      assert.equal(a.identityResourceId.toLowerCase(), uai.id.toLowerCase());
      assert.deepEqual(a.via, [team, readers]);
      assert.ok(a.lostDataActions.includes(GET_SECRET), JSON.stringify(a));
      assert.deepEqual(a.keptBy, []);
      assert.deepEqual(
        a.resources.map((x: any) => x.id),
        [vault.id],
      );
      assert.deepEqual(
        a.callingResources.map((x: any) => x.id),
        [vmA.id],
      );

      const b: any = byId.get(vmB.identity.principalId);
      assert.deepEqual([b.lostActions, b.lostDataActions, b.resources, b.callingResources], [[], [], [], []]);
      assert.deepEqual(
        b.keptBy.map((k: any) => k.id),
        [direct],
      );
    });

    it('the table names each member and what it loses', async () => {
      const out = await cliFor(t).ok('directory-group', 'impact', '-g', readers, '--assignment', onGroup);
      assert.match(out, /Key Vault Secrets User/);
      assert.match(out, new RegExp(`${GET_SECRET.replace(/\//g, '\\/')}.*${vault.id.replace(/\//g, '\\/')}`, 'i'));
      assert.match(out, /nothing \(kept by /);
    });

    it("the API answers for a system-assigned identity's own assignment, kept through the group", async () => {
      const r = await t.arm('GET', `${direct}/providers/OpenMI.Audit/impact?${API}`);
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(
        r.json.members.map((m: any) => [m.principalId, m.identityResourceId.toLowerCase(), m.lostDataActions]),
        [[vmB.identity.principalId, vmB.id.toLowerCase(), []]],
      );
      assert.deepEqual(
        r.json.members[0].keptBy.map((k: any) => k.id),
        [onGroup],
      );
    });

    it('a system-assigned identity leaving the group: the vault it used and its own resource as caller', async () => {
      const cli = cliFor(t);
      const r = await cli.json<any>('directory-group', 'impact', '-g', 'kv-readers', '--resource', vmB.id);
      assert.equal(r.identityId, vmB.id);
      assert.deepEqual(r.lostGroups, [readers]);
      assert.deepEqual(
        r.resources.map((x: any) => x.id),
        [vault.id],
      );
      assert.deepEqual(
        r.callingResources.map((x: any) => x.id),
        [vmB.id],
      );
      const identityPath = `${vmB.id}/providers/Microsoft.ManagedIdentity/identities/default/providers/OpenMI.Audit/impact`;
      const notMember = await t.arm('GET', `${identityPath}?${API}&groupId=${team}`);
      assert.equal(notMember.status, 404, notMember.text);
      const noGroup = await t.arm('GET', `${identityPath}?${API}`);
      assert.equal(noGroup.status, 400, noGroup.text);
      assert.match(noGroup.json.error.message, /groupId is required/);
      const both = await cli.run(
        'directory-group',
        'impact',
        '-g',
        'kv-readers',
        '--resource',
        vmB.id,
        '--assignment',
        onGroup,
      );
      assert.equal(both.code, 2, both.stderr);
    });

    it('an unknown assignment, or one asked at another scope, is 404 RoleAssignmentNotFound', async () => {
      const r = await t.arm(
        'GET',
        `${vault.id}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}/providers/OpenMI.Audit/impact?${API}`,
      );
      assert.equal(r.status, 404, r.text);
      assert.equal(r.json.error.code, 'RoleAssignmentNotFound');
      const elsewhere = await t.arm(
        'GET',
        `${rg}/providers/Microsoft.Authorization/roleAssignments/${onGroup.split('/').pop()}/providers/OpenMI.Audit/impact?${API}`,
      );
      assert.equal(elsewhere.status, 404, 'the name must be at the scope asked');
    });
  });
});
