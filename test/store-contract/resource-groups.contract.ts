import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ResourceGroupRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { cmp } from './directory.contract.js';
import { assertConflict, flipCase, mixedGuid, resourceGroup, T0, useStore } from './fixtures.js';

export function resourceGroupContract(newStore: () => Promise<Store>): void {
  describe('resourceGroups', () => {
    const store = useStore(newStore);

    it('round-trips every field, looked up case-insensitively by subscription and name', async () => {
      const sub = mixedGuid();
      const plain = resourceGroup(sub, 'My-RG');
      const managed = resourceGroup(sub, 'managed_rg', { tags: {}, managedBy: '/subscriptions/x/providers/Foo/bar' });
      await store().resourceGroups.create(plain);
      await store().resourceGroups.create(managed);
      assert.deepEqual(await store().resourceGroups.get(flipCase(sub), 'my-rg'), plain);
      assert.deepEqual(await store().resourceGroups.get(sub, 'MANAGED_RG'), managed);
    });

    it('get returns undefined when absent, including in another subscription', async () => {
      const rg = resourceGroup(mixedGuid(), 'only-here');
      await store().resourceGroups.create(rg);
      assert.equal(await store().resourceGroups.get(mixedGuid(), 'only-here'), undefined);
      assert.equal(await store().resourceGroups.get(rg.subscriptionId, 'not-here'), undefined);
    });

    it('create conflicts on a duplicate name in any casing, but not in another subscription', async () => {
      const rg = resourceGroup(mixedGuid(), 'Dup');
      await store().resourceGroups.create(rg);
      await assertConflict(store().resourceGroups.create(resourceGroup(rg.subscriptionId.toUpperCase(), 'dUP')));
      await store().resourceGroups.create(resourceGroup(mixedGuid(), 'Dup'));
      assert.deepEqual(await store().resourceGroups.get(rg.subscriptionId, 'dup'), rg);
    });

    it('update replaces tags, managedBy and updatedAt only; false when absent', async () => {
      const rg = resourceGroup(mixedGuid(), 'Upd', { managedBy: 'someone' });
      await store().resourceGroups.create(rg);
      const changed: ResourceGroupRecord = {
        ...rg,
        name: 'UPD',
        location: 'eastus',
        createdAt: T0 + 999,
        tags: { new: 'tag' },
        managedBy: null,
        updatedAt: T0 + 50_000,
      };
      assert.equal(await store().resourceGroups.update(changed), true);
      assert.deepEqual(await store().resourceGroups.get(rg.subscriptionId, 'upd'), {
        ...rg,
        tags: { new: 'tag' },
        managedBy: null,
        updatedAt: T0 + 50_000,
      });
      assert.equal(await store().resourceGroups.update(resourceGroup(rg.subscriptionId, 'absent')), false);
      assert.equal(await store().resourceGroups.get(rg.subscriptionId, 'absent'), undefined);
    });

    it('delete returns true once, then false', async () => {
      const rg = resourceGroup(mixedGuid(), 'Del');
      await store().resourceGroups.create(rg);
      assert.equal(await store().resourceGroups.delete(rg.subscriptionId.toUpperCase(), 'DEL'), true);
      assert.equal(await store().resourceGroups.get(rg.subscriptionId, 'del'), undefined);
      assert.equal(await store().resourceGroups.delete(rg.subscriptionId, 'del'), false);
    });

    it('pages in lower-cased name order; next is absent on the last page', async () => {
      const sub = mixedGuid();
      // Punctuation and mixed case: a locale collation would order these differently from bytes.
      const names = Array.from(
        { length: 25 },
        (_, i) => ['rg-', 'Rg_', 'RG.', 'rG('][i % 4] + String(24 - i).padStart(2, '0'),
      );
      const created = names.map((n, i) => resourceGroup(sub, n, { createdAt: T0 + i }));
      for (const rg of [...created].reverse()) await store().resourceGroups.create(rg);
      await store().resourceGroups.create(resourceGroup(mixedGuid(), 'aaa-other-subscription'));

      const pages = await collectPages(store(), flipCase(sub), 10);
      assert.deepEqual(
        pages.map((p) => p.items.length),
        [10, 10, 5],
      );
      assert.deepEqual(
        pages.map((p) => p.next !== undefined),
        [true, true, false],
      );
      const expected = [...created].sort((a, b) => cmp(a.name.toLowerCase(), b.name.toLowerCase()));
      assert.deepEqual(
        pages.flatMap((p) => p.items),
        expected,
      );
    });

    it('an exactly full last page has no next; an empty subscription gives one empty page', async () => {
      const sub = mixedGuid();
      for (let i = 0; i < 4; i++) await store().resourceGroups.create(resourceGroup(sub, `g${i}`));
      const pages = await collectPages(store(), sub, 2);
      assert.deepEqual(
        pages.map((p) => [p.items.map((rg) => rg.name), p.next !== undefined]),
        [
          [['g0', 'g1'], true],
          [['g2', 'g3'], false],
        ],
      );
      assert.deepEqual(await store().resourceGroups.list(mixedGuid(), 10), { items: [] });
    });

    it('rejects a page size below 1', async () => {
      await assert.rejects(store().resourceGroups.list(mixedGuid(), 0));
    });
  });
}

async function collectPages(store: Store, sub: string, limit: number) {
  const pages = [];
  let after: string | undefined;
  do {
    const page = await store.resourceGroups.list(sub, limit, after);
    pages.push(page);
    after = page.next;
    assert.ok(pages.length <= 100, 'paging does not terminate');
  } while (after !== undefined);
  return pages;
}
