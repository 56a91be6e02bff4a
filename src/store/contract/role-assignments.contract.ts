import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../store.js';
import { assertConflict, flipCase, mixedGuid, roleAssignment, T0, useStore } from './fixtures.js';

export function roleAssignmentContract(newStore: () => Promise<Store>): void {
  describe('roleAssignments', () => {
    const store = useStore(newStore);

    it('round-trips every field (with and without nullable ones), get case-insensitive', async () => {
      const full = roleAssignment(`/subscriptions/${mixedGuid()}/resourceGroups/Rg1`, mixedGuid());
      const bare = roleAssignment('/', mixedGuid(), { description: null, createdBy: null });
      await store().roleAssignments.create(full);
      await store().roleAssignments.create(bare);
      assert.deepEqual(await store().roleAssignments.get(flipCase(full.id)), full);
      assert.deepEqual(await store().roleAssignments.get(bare.id), bare);
      assert.equal(await store().roleAssignments.get(`/providers/Microsoft.Authorization/roleAssignments/${mixedGuid()}`), undefined);
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
      await store().roleAssignments.create(roleAssignment(`${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u`, mixedGuid()));
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
  });
}
