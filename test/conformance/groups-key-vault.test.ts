import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { forEachStore } from '../helpers/postgres.js';
import { cliFor } from '../helpers/cli-harness.js';
import { assignRole, keyVaultClient, removeRole, vaultWithVm } from '../helpers/key-vault-client.js';

const OFFICER = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7';
const SECRETS_USER = '4633458b-17de-408a-b874-0445c86b69e6';

await forEachStore((storeName, storeSpec) => {
  describe(`Key Vault access through a directory group (SecretClient under openmi run) on ${storeName}`, () => {
    let t: TestServer;
    let vmId: string;
    let principalId: string;
    let vault: { id: string; properties: { vaultUri: string } };
    let rg: string;
    let readers: string;
    const group = async (displayName: string): Promise<string> => {
      const r = await t.arm('POST', '/v1.0/groups', { displayName, mailNickname: displayName, securityEnabled: true });
      assert.equal(r.status, 201, r.text);
      return r.json.id;
    };
    const member = (method: 'POST' | 'DELETE', groupId: string, id: string) =>
      method === 'POST'
        ? t.arm('POST', `/v1.0/groups/${groupId}/members/$ref`, {
            '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}`,
          })
        : t.arm('DELETE', `/v1.0/groups/${groupId}/members/${id}/$ref`);

    before(async () => {
      const spec = await storeSpec();
      t = await startTestServer({ store: spec.spec, onStop: spec.drop });
      ({ rg, vmId, principalId, vault } = await vaultWithVm(t, {
        rg: 'rg-kv-groups',
        vault: 'kv-groups',
        vm: 'app',
        location: 'local',
      }));
    });
    after(() => t.stop());

    it('refused with no roles; allowed once in the group; refused within 1 s of removal, naming the groups', async () => {
      const c = keyVaultClient(t.dataDir, vmId, vault.properties.vaultUri);
      try {
        const none = await c.call({ op: 'get', name: 'db-password' });
        assert.equal(none.statusCode, 403, JSON.stringify(none));
        // Seed one secret with a direct, short-lived Officer assignment, then take it away again.
        const officer = await assignRole(t, vault.id, OFFICER, principalId, 'ServicePrincipal');
        assert.ok((await c.call({ op: 'set', name: 'db-password', value: 's3cret' })).ok);
        await removeRole(t, officer);

        const team = await group('platform-team');
        readers = await group('kv-readers');
        await assignRole(t, vault.id, SECRETS_USER, readers, 'Group');
        assert.equal((await member('POST', team, principalId)).status, 204);
        const teamOnly = await c.call({ op: 'get', name: 'db-password' });
        assert.equal(teamOnly.statusCode, 403, JSON.stringify(teamOnly));
        assert.match(teamOnly.message!, /its group memberships: 'platform-team'/);

        assert.equal((await member('POST', readers, principalId)).status, 204);
        const allowed = await c.call({ op: 'get', name: 'db-password' });
        assert.equal(allowed.result?.value, 's3cret', JSON.stringify(allowed));

        assert.equal((await member('DELETE', readers, principalId)).status, 204);
        const removedAt = Date.now();
        const refused = await c.call({ op: 'get', name: 'db-password' });
        assert.ok(Date.now() - removedAt < 1000, 'answered within the 1 s the issue allows');
        assert.equal(refused.statusCode, 403, JSON.stringify(refused));
        assert.match(refused.message!, /holds no role assignments; its group memberships: 'platform-team'/);
        assert.doesNotMatch(refused.message!, /kv-readers/);

        // Both membership changes are in the activity log, with who, which group and which member.
        const rows = await t.server.store.audit.query('activity', { eq: { subscription_key: '' } }, 500);
        const changes = rows.items
          .map((r) => JSON.parse(r.data))
          .filter((e) => e.operation.startsWith('Microsoft.Directory/groups/members/') && e.detail.groupId === readers)
          .map((e) => [e.operation, e.caller, e.detail.memberId]);
        const admin = (await t.server.store.principals.getByAppId(t.creds.clientId))!.objectId;
        // Newest first, as the activity log lists.
        assert.deepEqual(changes, [
          ['Microsoft.Directory/groups/members/delete', admin, principalId],
          ['Microsoft.Directory/groups/members/write', admin, principalId],
        ]);
      } finally {
        await c.close();
      }
    });

    it('impact of leaving the group lists exactly the vault and the calling resource from the sign-in log', async () => {
      const cli = cliFor(t);
      await cli.ok('directory-group', 'show', '-g', 'kv-readers');
      const uai = await cli.json<any>('identity', 'create', '-g', 'rg-kv-groups', '-n', 'app-id');
      const vm = await t.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/app2?api-version=2024-07-01`, {
        location: 'local',
        identity: { type: 'UserAssigned', userAssignedIdentities: { [uai.id]: {} } },
      });
      assert.equal(vm.status, 201, vm.text);
      await cli.ok('directory-group', 'member', 'add', '-g', 'kv-readers', '--member-id', uai.properties.principalId);
      const members = await cli.json<any[]>('directory-group', 'member', 'list', '-g', readers);
      assert.deepEqual(
        members.map((m) => m.id),
        [uai.properties.principalId],
      );
      const shown = await cli.json<any>('identity', 'show', '-g', 'rg-kv-groups', '-n', 'app-id');
      assert.deepEqual(
        shown.groups.transitive.map((g: any) => g.displayName),
        ['kv-readers'],
      );
      assert.match(await cli.ok('identity', 'show', '-g', 'rg-kv-groups', '-n', 'app-id'), /group: kv-readers/);
      const c = keyVaultClient(t.dataDir, vm.json.id, vault.properties.vaultUri, uai.properties.clientId);
      try {
        assert.equal((await c.call({ op: 'get', name: 'db-password' })).result?.value, 's3cret');
      } finally {
        await c.close();
      }
      const impact = await cli.json<any>(
        'identity',
        'impact',
        '-g',
        'rg-kv-groups',
        '-n',
        'app-id',
        '--leave-group',
        readers,
      );
      assert.deepEqual(impact.lostGroups, [readers]);
      assert.deepEqual(
        impact.resources.map((r: any) => r.id),
        [vault.id],
      );
      assert.deepEqual(
        impact.callingResources.map((r: any) => r.id),
        [vm.json.id],
      );
      await cli.ok(
        'directory-group',
        'member',
        'remove',
        '-g',
        'kv-readers',
        '--member-id',
        uai.properties.principalId,
      );
    });
  });
});
