import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { assertConflict, flipCase, mixedGuid, roleAssignment, T0, useStore } from './fixtures.js';
import { roleAssignmentWriteContract } from './role-assignment-writes.contract.js';

export function roleAssignmentContract(newStore: () => Promise<Store>): void {
  describe('roleAssignments', () => {
    const store = useStore(newStore);

    it('round-trips every field (with and without nullable ones), get case-insensitive', async () => {
      const full = roleAssignment(`/subscriptions/${mixedGuid()}/resourceGroups/Rg1`, mixedGuid());
      const bare = roleAssignment('/', mixedGuid(), { description: null, createdBy: null, updatedBy: null });
      await store().roleAssignments.create(full);
      await store().roleAssignments.create(bare);
      assert.deepEqual(await store().roleAssignments.get(flipCase(full.id)), full);
      assert.deepEqual(await store().roleAssignments.get(bare.id), bare);
      assert.equal(
        await store().roleAssignments.get(`/providers/Microsoft.Authorization/roleAssignments/${mixedGuid()}`),
        undefined,
      );
    });

    it('create conflicts on a duplicate id in any casing', async () => {
      const ra = roleAssignment('/subscriptions/S1', mixedGuid());
      await store().roleAssignments.create(ra);
      await assertConflict(store().roleAssignments.create({ ...ra, id: ra.id.toUpperCase(), description: 'again' }));
      assert.deepEqual(await store().roleAssignments.get(ra.id), ra);
    });

    it('delete returns true once, then false', async () => {
      const ra = roleAssignment('/subscriptions/S2', mixedGuid());
      await store().roleAssignments.create(ra);
      assert.equal(await store().roleAssignments.delete(ra.id.toLowerCase()), true);
      assert.equal(await store().roleAssignments.get(ra.id), undefined);
      assert.equal(await store().roleAssignments.delete(ra.id), false);
    });

    it('listForPrincipal is case-insensitive, keeps casing, oldest first, and excludes others', async () => {
      const pid = mixedGuid();
      const sub = `/subscriptions/${mixedGuid()}`;
      const second = roleAssignment(`${sub}/resourceGroups/B`, pid, { createdAt: T0 + 20 });
      const first = roleAssignment(sub, pid.toUpperCase(), { createdAt: T0 + 10 });
      await store().roleAssignments.create(second);
      await store().roleAssignments.create(first);
      await store().roleAssignments.create(roleAssignment(sub, mixedGuid()));
      assert.deepEqual(await store().roleAssignments.listForPrincipal(flipCase(pid)), [first, second]);
      assert.deepEqual(await store().roleAssignments.listForPrincipal(mixedGuid()), []);
    });

    it('listAtScope matches the exact scope case-insensitively, not parents or children', async () => {
      const sub = `/subscriptions/${mixedGuid()}`;
      const rg = `${sub}/resourceGroups/MyGroup`;
      const atRg1 = roleAssignment(rg, mixedGuid(), { createdAt: T0 + 1 });
      const atRg2 = roleAssignment(rg.toLowerCase(), mixedGuid(), { createdAt: T0 + 2 });
      await store().roleAssignments.create(atRg1);
      await store().roleAssignments.create(atRg2);
      await store().roleAssignments.create(roleAssignment(sub, mixedGuid()));
      await store().roleAssignments.create(
        roleAssignment(`${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u`, mixedGuid()),
      );
      assert.deepEqual(await store().roleAssignments.listAtScope(rg.toUpperCase()), [atRg1, atRg2]);
      assert.deepEqual(await store().roleAssignments.listAtScope(`${sub}/resourceGroups/Other`), []);
    });

    it('listAtScope works for the root scope', async () => {
      const root = roleAssignment('/', mixedGuid());
      await store().roleAssignments.create(root);
      const atRoot = await store().roleAssignments.listAtScope('/');
      assert.ok(atRoot.some((r) => r.id === root.id));
      assert.ok(atRoot.every((r) => r.scope === '/'));
    });

    it('listAtOrBelow matches the scope and its descendants, case-insensitively, oldest first', async () => {
      const sub = `/subscriptions/${mixedGuid()}`;
      const rg1 = `${sub}/resourceGroups/Rg1`;
      const at = roleAssignment(rg1, mixedGuid(), { createdAt: T0 + 3 });
      const below = roleAssignment(`${rg1}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/U`, mixedGuid(), {
        createdAt: T0 + 1,
      });
      const sibling = roleAssignment(`${sub}/resourceGroups/rg10`, mixedGuid());
      const siblingBelow = roleAssignment(`${sub}/resourceGroups/RG10/providers/X/y/z`, mixedGuid());
      const parent = roleAssignment(sub, mixedGuid());
      for (const ra of [at, below, sibling, siblingBelow, parent]) await store().roleAssignments.create(ra);
      assert.deepEqual(await store().roleAssignments.listAtOrBelow(flipCase(rg1)), [below, at]);
      assert.deepEqual(await store().roleAssignments.listAtOrBelow(`${sub}/resourceGroups/RG10`), [
        sibling,
        siblingBelow,
      ]);
      assert.deepEqual(await store().roleAssignments.listAtOrBelow(`${sub}/resourceGroups/Rg`), []);
      const inSub = await store().roleAssignments.listAtOrBelow(sub.toUpperCase());
      assert.deepEqual(
        new Set(inSub.map((r) => r.id)),
        new Set([at, below, sibling, siblingBelow, parent].map((r) => r.id)),
      );
    });

    it('listAtOrBelow treats LIKE wildcards and the escape character in the scope literally', async () => {
      const sub = `/subscriptions/${mixedGuid()}`;
      const under = roleAssignment(`${sub}/resourceGroups/my_rg/providers/A/b/c`, mixedGuid());
      const lookalike = roleAssignment(`${sub}/resourceGroups/myXrg/providers/A/b/c`, mixedGuid());
      const percent = roleAssignment(`${sub}/resourceGroups/a%b`, mixedGuid());
      const percentLookalike = roleAssignment(`${sub}/resourceGroups/aXYZb/x`, mixedGuid());
      const backslash = roleAssignment(`${sub}/resourceGroups/back\\slash/x`, mixedGuid());
      for (const ra of [under, lookalike, percent, percentLookalike, backslash])
        await store().roleAssignments.create(ra);
      assert.deepEqual(await store().roleAssignments.listAtOrBelow(`${sub}/resourceGroups/MY_RG`), [under]);
      assert.deepEqual(await store().roleAssignments.listAtOrBelow(`${sub}/resourceGroups/a%b`), [percent]);
      assert.deepEqual(await store().roleAssignments.listAtOrBelow(`${sub}/resourceGroups/back\\slash`), [backslash]);
      assert.deepEqual(await store().roleAssignments.listAtOrBelow(`${sub}/resourceGroups/_`), []);
    });

    it('listAtOrBelow at the root scope returns every assignment', async () => {
      const deep = roleAssignment(`/subscriptions/${mixedGuid()}/resourceGroups/deep`, mixedGuid());
      const root = roleAssignment('/', mixedGuid());
      await store().roleAssignments.create(deep);
      await store().roleAssignments.create(root);
      const all = await store().roleAssignments.listAtOrBelow('/');
      assert.ok(all.some((r) => r.id === deep.id) && all.some((r) => r.id === root.id));
      const ids = [...all.map((r) => r.id), ...(await store().roleAssignments.listAtScope('/')).map((r) => r.id)];
      assert.equal(new Set(ids).size, all.length);
    });

    it('deleteForPrincipal deletes every assignment of the principal, case-insensitively, and returns how many', async () => {
      const pid = mixedGuid();
      const keep = roleAssignment('/subscriptions/S9', mixedGuid());
      const mine = [roleAssignment('/', pid), roleAssignment('/subscriptions/S9', pid.toUpperCase())];
      for (const ra of [...mine, keep]) await store().roleAssignments.create(ra);
      assert.equal(await store().roleAssignments.deleteForPrincipal(flipCase(pid)), 2);
      assert.deepEqual(await store().roleAssignments.listForPrincipal(pid), []);
      assert.equal(await store().roleAssignments.deleteForPrincipal(pid), 0);
      assert.deepEqual(await store().roleAssignments.get(keep.id), keep);
    });
    roleAssignmentWriteContract(store);
  });
}
