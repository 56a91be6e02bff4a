import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GroupMemberRecord, GroupRecord } from '../../src/store/group-repo.js';
import type { Store } from '../../src/store/store.js';
import { assertConflict, flipCase, mixedGuid, T0, useStore } from './fixtures.js';

const group = (o: Partial<GroupRecord> = {}): GroupRecord => ({
  id: mixedGuid(),
  tenantId: mixedGuid(),
  displayName: 'platform-readers',
  mailNickname: 'platform-readers',
  description: null,
  securityEnabled: true,
  createdBy: mixedGuid(),
  createdAt: T0,
  updatedAt: T0,
  ...o,
});

const member = (groupId: string, memberId: string, o: Partial<GroupMemberRecord> = {}): GroupMemberRecord => ({
  groupId,
  memberId,
  memberType: 'servicePrincipal',
  createdBy: null,
  createdAt: T0 + 1,
  ...o,
});

export function groupContract(newStore: () => Promise<Store>): void {
  describe('groups', () => {
    const store = useStore(newStore);

    it('round-trips a group case-insensitively, updates it, and conflicts on a duplicate id', async () => {
      const g = group({ description: 'readers of the platform' });
      await store().groups.create(g);
      assert.deepEqual(await store().groups.get(flipCase(g.id)), g);
      await assertConflict(store().groups.create(group({ id: g.id.toUpperCase() })));
      const changed = { ...g, displayName: 'Renamed', securityEnabled: false, updatedAt: T0 + 9 };
      assert.equal(await store().groups.update(changed), true);
      assert.deepEqual(await store().groups.get(g.id), changed);
      assert.equal(await store().groups.update(group()), false);
      assert.equal(await store().groups.get(mixedGuid()), undefined);
    });

    it('lists by display name (eq, startswith, case-insensitive) in pages', async () => {
      const names = ['beta', 'Alpha-2', 'alpha-1', 'alpha_%', 'gamma'];
      for (const displayName of names) await store().groups.create(group({ displayName }));
      // The store is shared by this group's tests: keep only this test's rows.
      const all = await store().groups.list({}, 50);
      assert.deepEqual(
        all.items.map((g) => g.displayName).filter((n) => names.includes(n)),
        ['alpha-1', 'Alpha-2', 'alpha_%', 'beta', 'gamma'],
      );
      assert.equal(all.next, undefined);
      const eq = await store().groups.list({ displayNameEq: 'ALPHA-2' }, 10);
      assert.deepEqual(
        eq.items.map((g) => g.displayName),
        ['Alpha-2'],
      );
      const prefix = await store().groups.list({ displayNameStartsWith: 'Alpha' }, 2);
      assert.deepEqual(
        prefix.items.map((g) => g.displayName),
        ['alpha-1', 'Alpha-2'],
      );
      assert.ok(prefix.next);
      const rest = await store().groups.list({ displayNameStartsWith: 'Alpha' }, 2, prefix.next);
      assert.deepEqual(
        rest.items.map((g) => g.displayName),
        ['alpha_%'],
      );
      assert.equal(rest.next, undefined);
      assert.equal((await store().groups.list({ displayNameStartsWith: 'alpha_' }, 10)).items.length, 1);
    });

    it('adds, lists (both directions) and removes direct members; a duplicate conflicts', async () => {
      const outer = group();
      const inner = group({ displayName: 'inner' });
      await store().groups.create(outer);
      await store().groups.create(inner);
      const sp = mixedGuid();
      await store().groups.addMember(member(inner.id, sp));
      await store().groups.addMember(member(outer.id, inner.id, { memberType: 'group', createdAt: T0 + 2 }));
      await assertConflict(store().groups.addMember(member(flipCase(inner.id), flipCase(sp))));
      assert.deepEqual(await store().groups.listMembers(flipCase(inner.id)), [member(inner.id, sp)]);
      assert.deepEqual(await store().groups.listMemberships(flipCase(sp)), [member(inner.id, sp)]);
      assert.deepEqual(
        (await store().groups.listMemberships(inner.id)).map((m) => [m.groupId, m.memberType]),
        [[outer.id, 'group']],
      );
      assert.equal(await store().groups.removeMember(inner.id, flipCase(sp)), true);
      assert.equal(await store().groups.removeMember(inner.id, sp), false);
      assert.deepEqual(await store().groups.listMembers(inner.id), []);
    });

    it('delete takes the group’s memberships as container and as member', async () => {
      const outer = group();
      const middle = group();
      await store().groups.create(outer);
      await store().groups.create(middle);
      const sp = mixedGuid();
      await store().groups.addMember(member(middle.id, sp));
      await store().groups.addMember(member(outer.id, middle.id, { memberType: 'group' }));
      assert.equal(await store().groups.delete(flipCase(middle.id)), true);
      assert.equal(await store().groups.get(middle.id), undefined);
      assert.deepEqual(await store().groups.listMembers(outer.id), []);
      assert.deepEqual(await store().groups.listMemberships(sp), []);
      assert.equal(await store().groups.delete(middle.id), false);
    });
  });
}
