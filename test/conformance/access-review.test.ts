import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { forEachStore } from '../helpers/postgres.js';
import { cliFor } from '../helpers/cli-harness.js';
import { runLineClient } from '../helpers/line-client.js';
import { assignRole } from '../helpers/key-vault-client.js';
import type { AccessApplyPlan, AccessReview, GroupAccessReview } from '../../src/wire/access-review.js';
import type { ActivityEventWire } from '../../src/wire/activity-log.js';

const CLIENT = fileURLToPath(new URL('./clients/least-privilege.client.js', import.meta.url));
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const OFFICER = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7';
const SECRETS_USER = '4633458b-17de-408a-b874-0445c86b69e6';
const GET_SECRET = 'Microsoft.KeyVault/vaults/secrets/getSecret/action';
const READ_RG = 'Microsoft.Resources/subscriptions/resourceGroups/read';

/** The workload (unmodified SDKs) under `openmi run` as the VM, one JSON command per line. */
const workload = (t: TestServer, vmId: string, vaultUrl: string) =>
  runLineClient(CLIENT, t.dataDir, vmId, vaultUrl, t.server.baseUrl, t.creds.subscriptionId);

await forEachStore((storeName, storeSpec) => {
  describe(`access review from recorded usage (SecretClient + ResourceManagementClient under openmi run) on ${storeName}`, () => {
    let t: TestServer;
    let spec: Awaited<ReturnType<typeof storeSpec>>;
    const rgName = 'rg-least';
    let rg: string;
    let vault: { id: string; properties: { vaultUri: string } };
    const vm = async (name: string) => {
      const r = await t.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/${name}?api-version=2024-07-01`, {
        location: 'local',
        identity: { type: 'SystemAssigned' },
      });
      assert.equal(r.status, 201, r.text);
      return { id: r.json.id as string, principalId: r.json.identity.principalId as string };
    };
    const assign = (scope: string, role: string, principalId: string, principalType = 'ServicePrincipal') =>
      assignRole(t, scope, role, principalId, principalType);

    before(async () => {
      spec = await storeSpec();
      t = await startTestServer({ store: spec.spec, onStop: spec.drop });
      rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/${rgName}`;
      await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'local' });
      const kv = await t.arm('PUT', `${rg}/providers/Microsoft.KeyVault/vaults/kv-least?api-version=2023-07-01`, {
        location: 'local',
        properties: { tenantId: t.creds.tenantId, sku: { family: 'A', name: 'standard' } },
      });
      assert.equal(kv.status, 201, kv.text);
      vault = kv.json;
    });
    after(() => t.stop());

    it('lists exactly the used getSecret and resourceGroups/read, the rest unused, and a role with those two', async () => {
      // Another identity seeds the secret, so the reviewed one only ever reads.
      const seeder = await vm('seeder');
      await assign(vault.id, OFFICER, seeder.principalId);
      const s = workload(t, seeder.id, vault.properties.vaultUri);
      try {
        assert.ok((await s.call({ op: 'setSecret', name: 'db-password', value: 's3cret' })).ok);
      } finally {
        await s.close();
      }
      const app = await vm('app');
      const contributor = await assign(rg, CONTRIBUTOR, app.principalId);
      const officer = await assign(vault.id, OFFICER, app.principalId);
      const w = workload(t, app.id, vault.properties.vaultUri);
      try {
        for (let i = 0; i < 3; i++) {
          const got = await w.call({ op: 'getSecret', name: 'db-password' });
          assert.equal(got.result, 's3cret', JSON.stringify(got));
          // Contributor on the group does not read the subscription: the list holds the groups
          // the identity may read, each check recorded at the group (as Azure filters lists).
          const listed = await w.call({ op: 'listGroups' });
          assert.deepEqual(listed.result, [rgName], JSON.stringify(listed));
        }
      } finally {
        await w.close();
      }
      // A clean restart flushes the counters, and they are read back from the store.
      const port = Number(new URL(t.server.baseUrl).port);
      await t.server.close();
      t = await startTestServer({ store: spec.spec, onStop: spec.drop, dataDir: t.dataDir, port });

      const cli = cliFor(t);
      const r = await cli.json<AccessReview>('identity', 'access-review', '--resource', app.id, '--days', '7');
      assert.equal(r.principalId, app.principalId);
      // Scopes as checked: the SDK's spelling of the group, the secret's own path (ids ignore case).
      const lower = (xs: string[]) => xs.map((x) => x.toLowerCase());
      const used = r.assignments.flatMap((a) =>
        a.used.map((u) => [a.id, u.kind, u.operation, u.count, lower(u.scopes)]),
      );
      assert.deepEqual(
        used.sort(),
        [
          [contributor, 'action', READ_RG, 3, lower([rg])],
          [officer, 'dataAction', GET_SECRET, 3, lower([`${vault.id}/secrets/db-password`])],
        ].sort(),
      );
      const byId = new Map(r.assignments.map((a) => [a.id, a]));
      assert.deepEqual(byId.get(contributor)!.partlyUsed, [{ kind: 'action', pattern: '*', usedBy: [READ_RG] }]);
      const o = byId.get(officer)!;
      assert.equal(o.unused.actions.length, 10, JSON.stringify(o.unused));
      assert.deepEqual(o.partlyUsed, [
        { kind: 'dataAction', pattern: 'Microsoft.KeyVault/vaults/secrets/*', usedBy: [GET_SECRET] },
      ]);
      assert.deepEqual(r.unusedAssignments, []);
      assert.deepEqual(lower(r.suggestedRole!.assignableScopes), lower([rg]));
      assert.deepEqual(r.suggestedRole?.permissions, [
        { actions: [READ_RG], notActions: [], dataActions: [GET_SECRET], notDataActions: [] },
      ]);
      // The seeder's setSecret is its own, not the app's.
      const seeded = await cli.json<AccessReview>('identity', 'access-review', '--resource', seeder.id);
      assert.deepEqual(
        seeded.assignments.flatMap((a) => a.used.map((u) => u.operation)),
        ['Microsoft.KeyVault/vaults/secrets/setSecret/action'],
      );
      const table = await cli.ok('identity', 'access-review', '--resource', app.id);
      assert.match(table, /only Microsoft\.KeyVault\/vaults\/secrets\/getSecret\/action used; the rest unused/);
      assert.match(table, /suggested role 'app least privilege'/);

      // --dry-run: the plan, re-checked against the evidence, and nothing changed.
      const dry = await cli.json<AccessApplyPlan>('identity', 'access-review', '--resource', app.id, '--dry-run');
      assert.deepEqual([dry.applied, dry.wouldDeny, dry.checked], [false, [], 2]);
      assert.deepEqual(dry.removes.map((x) => x.id).sort(), [contributor, officer].sort());
      assert.equal((await t.arm('GET', `${contributor}?api-version=2022-04-01`)).status, 200);
      // --apply: role, assignment and removals in one transaction, one correlation id in the log.
      const applied = await cli.json<AccessApplyPlan>('identity', 'access-review', '--resource', app.id, '--apply');
      assert.equal(applied.applied, true);
      for (const gone of [contributor, officer])
        assert.equal((await t.arm('GET', `${gone}?api-version=2022-04-01`)).status, 404);
      const events = await cli.json<ActivityEventWire[]>('activity', 'list', '-g', rgName);
      const ops = (id: string) => events.filter((e) => e.resourceId?.toLowerCase() === id.toLowerCase());
      const mine = [applied.assignment.id, contributor, officer].map((id) => ops(id)[0]!);
      assert.deepEqual(
        mine.map((e) => e.operationName?.value.split('/').pop()),
        ['write', 'delete', 'delete'],
      );
      assert.equal(new Set(mine.map((e) => e.correlationId)).size, 1, 'one step');

      // The same workload again: not one refusal; a write it never made is refused, with why.
      const again = workload(t, app.id, vault.properties.vaultUri);
      try {
        for (let i = 0; i < 2; i++) {
          assert.equal((await again.call({ op: 'getSecret', name: 'db-password' })).result, 's3cret');
          assert.deepEqual((await again.call({ op: 'listGroups' })).result, [rgName]);
        }
        const write = await again.call({ op: 'setSecret', name: 'db-password', value: 'changed' });
        assert.equal(write.statusCode, 403, JSON.stringify(write));
        assert.match(write.message!, /setSecret\/action/);
        assert.match(write.message!, /app least privilege/);
      } finally {
        await again.close();
      }
    });

    it("a group's review: which member used which of the group's permissions", async () => {
      const cli = cliFor(t);
      const group = await cli.json<{ id: string }>('directory-group', 'create', '-n', 'secret-readers');
      const [reader, idle] = [await vm('grp-reader'), await vm('grp-idle')];
      for (const m of [reader, idle])
        await cli.ok('directory-group', 'member', 'add', '-g', 'secret-readers', '--member-id', m.principalId);
      const viaGroup = await assign(vault.id, SECRETS_USER, group.id, 'Group');
      const w = workload(t, reader.id, vault.properties.vaultUri);
      try {
        for (let i = 0; i < 2; i++)
          assert.equal((await w.call({ op: 'getSecret', name: 'db-password' })).result, 's3cret');
      } finally {
        await w.close();
      }
      const port = Number(new URL(t.server.baseUrl).port);
      await t.server.close();
      t = await startTestServer({ store: spec.spec, onStop: spec.drop, dataDir: t.dataDir, port });

      const r = await cliFor(t).json<GroupAccessReview>('directory-group', 'access-review', '-g', 'secret-readers');
      assert.equal(r.groupId, group.id);
      assert.deepEqual(r.unusedAssignments, []);
      const [a] = r.assignments;
      assert.equal(a!.id, viaGroup);
      assert.deepEqual(
        a!.members.map((m) => [m.principalId, m.used.map((u) => [u.operation, u.count])]),
        [[reader.principalId, [[GET_SECRET, 2]]]],
      );
      assert.deepEqual(a!.unused.dataActions, ['Microsoft.KeyVault/vaults/secrets/readMetadata/action']);
      assert.deepEqual(
        r.membersWithoutUse.map((m) => m.principalId),
        [idle.principalId],
      );
      const table = await cliFor(t).ok('directory-group', 'access-review', '-g', 'secret-readers');
      assert.match(table, /grp-reader\s+dataAction\s+Microsoft\.KeyVault\/vaults\/secrets\/getSecret\/action\s+2/);
    });
  });
});
