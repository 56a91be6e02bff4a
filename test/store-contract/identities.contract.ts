import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDomainError } from '../../src/kernel/errors.js';
import type { UserAssignedIdentityRecord } from '../../src/store/records.js';
import type { ResourceListing, Store } from '../../src/store/store.js';
import { cmp } from './directory.contract.js';
import {
  assertConflict,
  collectPages,
  federatedCredential,
  flipCase,
  identity,
  mixedGuid,
  T0,
  useStore,
} from './fixtures.js';

export function identityContract(newStore: () => Promise<Store>): void {
  describe('identities', () => {
    const store = useStore(newStore);
    const list = (where: ResourceListing, limit: number) =>
      collectPages((after) => store().identities.list(where, limit, after));
    const byNameThenId = (a: UserAssignedIdentityRecord, b: UserAssignedIdentityRecord): number =>
      cmp(a.name.toLowerCase(), b.name.toLowerCase()) || cmp(a.id.toLowerCase(), b.id.toLowerCase());

    it('round-trips every field; get by id, client id and principal id is case-insensitive', async () => {
      const i = identity(mixedGuid(), 'My-RG', 'Uami-One', { isolationScope: 'Regional', tags: {} });
      await store().identities.create(i);
      assert.deepEqual(await store().identities.get(flipCase(i.id)), i);
      assert.deepEqual(await store().identities.get(i.id.toLowerCase()), i);
      assert.deepEqual(await store().identities.getByClientId(flipCase(i.clientId)), i);
      assert.deepEqual(await store().identities.getByPrincipalId(i.principalId.toUpperCase()), i);
    });

    it('lookups return undefined when absent (and do not confuse client and principal ids)', async () => {
      const i = identity(mixedGuid(), 'rg', 'absent-checks');
      await store().identities.create(i);
      assert.equal(await store().identities.get(`${i.id}x`), undefined);
      assert.equal(await store().identities.getByClientId(i.principalId), undefined);
      assert.equal(await store().identities.getByPrincipalId(i.clientId), undefined);
    });

    it('create conflicts on a duplicate id in any casing, a duplicate client id and a duplicate principal id', async () => {
      const sub = mixedGuid();
      const i = identity(sub, 'rg', 'Dup');
      await store().identities.create(i);
      await assertConflict(store().identities.create(identity(sub.toUpperCase(), 'RG', 'dUP')));
      await assertConflict(
        store().identities.create(identity(sub, 'rg', 'other-1', { clientId: flipCase(i.clientId) })),
      );
      await assertConflict(
        store().identities.create(identity(sub, 'rg', 'other-2', { principalId: i.principalId.toUpperCase() })),
      );
      assert.deepEqual(await store().identities.get(i.id), i);
      assert.equal(await store().identities.get(identity(sub, 'rg', 'other-1').id), undefined);
    });

    it('update replaces tags, isolationScope and updatedAt only; false when absent', async () => {
      const i = identity(mixedGuid(), 'rg', 'Upd');
      await store().identities.create(i);
      const changed: UserAssignedIdentityRecord = {
        ...identity(i.subscriptionId, 'RG', 'UPD', { location: 'eastus', createdAt: T0 + 999 }),
        tags: { new: 'tag' },
        isolationScope: 'Regional',
        updatedAt: T0 + 50_000,
      };
      assert.equal(await store().identities.update(changed), true);
      assert.deepEqual(await store().identities.get(i.id), {
        ...i,
        tags: { new: 'tag' },
        isolationScope: 'Regional',
        updatedAt: T0 + 50_000,
      });
      assert.equal(await store().identities.update(identity(i.subscriptionId, 'rg', 'absent')), false);
      assert.equal(await store().identities.get(identity(i.subscriptionId, 'rg', 'absent').id), undefined);
    });

    it('delete returns true once, then false; the identity is gone by every lookup', async () => {
      const i = identity(mixedGuid(), 'rg', 'Del');
      await store().identities.create(i);
      assert.equal(await store().identities.delete(flipCase(i.id)), true);
      assert.equal(await store().identities.get(i.id), undefined);
      assert.equal(await store().identities.getByClientId(i.clientId), undefined);
      assert.equal(await store().identities.getByPrincipalId(i.principalId), undefined);
      assert.equal(await store().identities.delete(i.id), false);
    });

    it('pages a subscription across groups by lower-cased name then id; next absent on the last page', async () => {
      const sub = mixedGuid();
      const groups = ['rg-B', 'RG-a', 'rg_c'];
      // Same names in several groups (ordered by id then), punctuation and mixed case.
      const names = ['Alpha', 'alpha0', 'beta', 'Beta.2', 'beta_1', 'beta-3', 'Zeta', 'x(1)', 'gamma'];
      const created = groups.flatMap((g, gi) =>
        names
          .filter((_, ni) => (ni + gi) % 3 !== 0)
          .map((n, k) => identity(sub, g, n, { createdAt: T0 + gi * 100 + k })),
      );
      for (const i of [...created].reverse()) await store().identities.create(i);
      await store().identities.create(identity(mixedGuid(), 'rg-B', 'aaa-other-subscription'));

      const pages = await list({ subscriptionId: flipCase(sub) }, 4);
      const expected = [...created].sort(byNameThenId);
      assert.deepEqual(
        pages.flatMap((p) => p.items),
        expected,
      );
      assert.equal(created.length, 18);
      assert.deepEqual(
        pages.map((p) => p.items.length),
        [4, 4, 4, 4, 2],
      );
      assert.deepEqual(
        pages.map((p) => p.next !== undefined),
        [true, true, true, true, false],
      );

      const inGroup = await list({ subscriptionId: sub, resourceGroup: 'RG-A' }, 2);
      assert.deepEqual(
        inGroup.flatMap((p) => p.items),
        expected.filter((i) => i.resourceGroup === 'RG-a'),
      );
      assert.equal(inGroup[inGroup.length - 1]!.next, undefined);
    });

    it('an exactly full last page has no next; an empty listing is one empty page', async () => {
      const sub = mixedGuid();
      for (let n = 0; n < 4; n++) await store().identities.create(identity(sub, `g${n % 2}`, `i${n}`));
      const pages = await list({ subscriptionId: sub }, 2);
      assert.deepEqual(
        pages.map((p) => [p.items.map((i) => i.name), p.next !== undefined]),
        [
          [['i0', 'i1'], true],
          [['i2', 'i3'], false],
        ],
      );
      assert.deepEqual(await store().identities.list({ subscriptionId: sub, resourceGroup: 'none' }, 10), {
        items: [],
      });
      assert.deepEqual(await store().identities.list({ subscriptionId: mixedGuid() }, 10), { items: [] });
    });

    it('rejects a page size below 1 and a malformed continuation', async () => {
      await assert.rejects(store().identities.list({ subscriptionId: mixedGuid() }, 0));
      await assert.rejects(store().identities.list({ subscriptionId: mixedGuid() }, 5, 'not a token'), (e: unknown) => {
        return isDomainError(e) && e.kind === 'invalid';
      });
    });

    it('a rolled-back tx leaves no identity (or credential) rows', async () => {
      const i = identity(mixedGuid(), 'rg', 'Rolled-Back');
      const f = federatedCredential(i.id, 'fic');
      await assert.rejects(
        store().tx(async (tx) => {
          await tx.identities.create(i);
          await tx.federatedCredentials.create(f);
          assert.deepEqual(await tx.identities.get(i.id), i);
          throw new Error('roll back');
        }),
        /roll back/,
      );
      assert.equal(await store().identities.get(i.id), undefined);
      assert.equal(await store().identities.getByClientId(i.clientId), undefined);
      assert.deepEqual(await store().identities.list({ subscriptionId: i.subscriptionId }, 10), { items: [] });
      assert.equal(await store().federatedCredentials.get(f.id), undefined);
      await store().identities.create(i);
      assert.deepEqual(await store().identities.get(i.id), i);
    });
  });
}
