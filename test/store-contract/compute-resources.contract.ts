import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDomainError } from '../../src/kernel/errors.js';
import type { ComputeResourceRecord } from '../../src/store/records.js';
import type { ResourceListing, Store } from '../../src/store/store.js';
import { cmp } from './directory.contract.js';
import {
  assertConflict,
  collectPages,
  computeResource,
  flipCase,
  identity,
  mixedGuid,
  T0,
  useStore,
} from './fixtures.js';

const VMSS = 'Microsoft.Compute/virtualMachineScaleSets';
const SITES = 'Microsoft.Web/sites';

/** Ids of user-assigned identities; the identities themselves need not exist in the store. */
const uamiIds = (n: number, sub = mixedGuid()): string[] =>
  Array.from({ length: n }, (_, k) => identity(sub, 'Ids', `Uami-${k}-${mixedGuid().slice(0, 4)}`).id);

export function computeResourceContract(newStore: () => Promise<Store>): void {
  describe('computeResources', () => {
    const store = useStore(newStore);
    const list = (where: ResourceListing & { type?: string }, limit: number) =>
      collectPages((after) => store().computeResources.list(where, limit, after));

    it('round-trips every field with attachments in the given order; lookups are case-insensitive', async () => {
      const ids = uamiIds(3);
      const withAll = computeResource(mixedGuid(), 'My-RG', 'Vm-One', {
        systemPrincipalId: mixedGuid(),
        userAssignedIdentityIds: [ids[2]!, ids[0]!, ids[1]!],
      });
      const bare = computeResource(withAll.subscriptionId, 'My-RG', 'site', { type: SITES, tags: {}, body: {} });
      await store().computeResources.create(withAll);
      await store().computeResources.create(bare);
      assert.deepEqual(await store().computeResources.get(flipCase(withAll.id)), withAll);
      assert.deepEqual(await store().computeResources.get(bare.id.toLowerCase()), bare);
      assert.deepEqual(
        await store().computeResources.getBySystemPrincipalId(flipCase(withAll.systemPrincipalId!)),
        withAll,
      );
      assert.equal(await store().computeResources.getBySystemPrincipalId(mixedGuid()), undefined);
      assert.equal(await store().computeResources.get(`${withAll.id}-absent`), undefined);
    });

    it('create conflicts on a duplicate id in any casing and keeps the first row and its attachments', async () => {
      const r = computeResource(mixedGuid(), 'rg', 'Dup', { userAssignedIdentityIds: uamiIds(1) });
      await store().computeResources.create(r);
      await assertConflict(
        store().computeResources.create({ ...r, id: flipCase(r.id), userAssignedIdentityIds: uamiIds(2) }),
      );
      assert.deepEqual(await store().computeResources.get(r.id), r);
    });

    it('rejects the same identity listed twice (in any casing) before writing anything', async () => {
      const [id] = uamiIds(1);
      const r = computeResource(mixedGuid(), 'rg', 'twice', { userAssignedIdentityIds: [id!, flipCase(id!)] });
      await assert.rejects(
        store().computeResources.create(r),
        (e: unknown) => isDomainError(e) && e.kind === 'invalid',
      );
      assert.equal(await store().computeResources.get(r.id), undefined);
    });

    it('update replaces mutable fields and every attachment, in the new order; false when absent', async () => {
      const [a, b, c] = uamiIds(3);
      const r = computeResource(mixedGuid(), 'rg', 'Upd', { userAssignedIdentityIds: [a!, b!] });
      await store().computeResources.create(r);
      const next = {
        tags: { new: 'tag' },
        body: { properties: { changed: true } },
        systemPrincipalId: mixedGuid(),
        userAssignedIdentityIds: [c!, a!],
        updatedAt: T0 + 50_000,
      };
      const changed = { ...r, ...next, name: 'UPD', location: 'eastus', createdAt: T0 + 999 };
      assert.equal(await store().computeResources.update({ ...changed, id: flipCase(r.id) }), true);
      assert.deepEqual(await store().computeResources.get(r.id), { ...r, ...next });
      assert.deepEqual(await store().computeResources.getBySystemPrincipalId(next.systemPrincipalId), {
        ...r,
        ...next,
      });
      const cleared = { ...r, ...next, systemPrincipalId: null, userAssignedIdentityIds: [] };
      assert.equal(await store().computeResources.update(cleared), true);
      assert.deepEqual(await store().computeResources.get(r.id), cleared);
      assert.equal(await store().computeResources.getBySystemPrincipalId(next.systemPrincipalId), undefined);
      const absent = computeResource(r.subscriptionId, 'rg', 'absent', { userAssignedIdentityIds: [a!] });
      assert.equal(await store().computeResources.update(absent), false);
      assert.equal(await store().computeResources.get(absent.id), undefined);
    });

    it('listByUserAssignedIdentity finds every carrier by id order and drops one after an update removes it', async () => {
      const [shared, other] = uamiIds(2);
      const sub = mixedGuid();
      const vm = computeResource(sub, 'rg', 'vm-b', { userAssignedIdentityIds: [other!, shared!] });
      const site = computeResource(sub, 'rg', 'site-a', { type: SITES, userAssignedIdentityIds: [shared!] });
      const none = computeResource(sub, 'rg', 'vm-none', { userAssignedIdentityIds: [other!] });
      for (const r of [vm, site, none]) await store().computeResources.create(r);
      const byId = (x: ComputeResourceRecord, y: ComputeResourceRecord): number =>
        cmp(x.id.toLowerCase(), y.id.toLowerCase());
      assert.deepEqual(
        await store().computeResources.listByUserAssignedIdentity(flipCase(shared!)),
        [vm, site].sort(byId),
      );
      const vmWithout = { ...vm, userAssignedIdentityIds: [other!], updatedAt: T0 + 1 };
      assert.equal(await store().computeResources.update(vmWithout), true);
      assert.deepEqual(await store().computeResources.listByUserAssignedIdentity(shared!), [site]);
      assert.deepEqual(await store().computeResources.listByUserAssignedIdentity(other!), [vmWithout, none].sort(byId));
      assert.deepEqual(await store().computeResources.listByUserAssignedIdentity(uamiIds(1)[0]!), []);
    });

    it('delete returns true once, then false, and removes the attachments too', async () => {
      const [id] = uamiIds(1);
      const r = computeResource(mixedGuid(), 'rg', 'Del', {
        systemPrincipalId: mixedGuid(),
        userAssignedIdentityIds: [id!],
      });
      await store().computeResources.create(r);
      assert.equal(await store().computeResources.delete(flipCase(r.id)), true);
      assert.equal(await store().computeResources.get(r.id), undefined);
      assert.equal(await store().computeResources.getBySystemPrincipalId(r.systemPrincipalId!), undefined);
      assert.deepEqual(await store().computeResources.listByUserAssignedIdentity(id!), []);
      assert.equal(await store().computeResources.delete(r.id), false);
      // Recreated without identities: no stale attachment comes back.
      const again = { ...r, userAssignedIdentityIds: [] };
      await store().computeResources.create(again);
      assert.deepEqual(await store().computeResources.get(r.id), again);
    });

    it('pages by lower-cased name then id across groups, by group and by type; attachments do not skew pages', async () => {
      const sub = mixedGuid();
      const types = ['Microsoft.Compute/virtualMachines', VMSS, SITES];
      const created = ['rg-1', 'RG-2'].flatMap((g, gi) =>
        ['Web', 'web-2', 'Api', 'api_1', 'db.1', 'Cache'].map((n, k) =>
          computeResource(sub, g, n, {
            type: types[(k + gi) % 3]!,
            userAssignedIdentityIds: uamiIds(k % 3),
            createdAt: T0 + k,
          }),
        ),
      );
      for (const r of [...created].reverse()) await store().computeResources.create(r);
      await store().computeResources.create(computeResource(mixedGuid(), 'rg-1', 'aaa-elsewhere'));
      const order = (x: ComputeResourceRecord, y: ComputeResourceRecord): number =>
        cmp(x.name.toLowerCase(), y.name.toLowerCase()) || cmp(x.id.toLowerCase(), y.id.toLowerCase());
      const expected = [...created].sort(order);

      const all = await list({ subscriptionId: flipCase(sub) }, 5);
      assert.deepEqual(
        all.map((p) => p.items.length),
        [5, 5, 2],
      );
      assert.deepEqual(
        all.map((p) => p.next !== undefined),
        [true, true, false],
      );
      assert.deepEqual(
        all.flatMap((p) => p.items),
        expected,
      );

      const group = await list({ subscriptionId: sub, resourceGroup: 'rg-2' }, 4);
      assert.deepEqual(
        group.flatMap((p) => p.items),
        expected.filter((r) => r.resourceGroup === 'RG-2'),
      );
      assert.deepEqual(
        group.map((p) => p.next !== undefined),
        [true, false],
      );

      const sites = await list({ subscriptionId: sub, type: SITES.toUpperCase() }, 3);
      assert.deepEqual(
        sites.flatMap((p) => p.items),
        expected.filter((r) => r.type === SITES),
      );
      const groupVmss = await list({ subscriptionId: sub, resourceGroup: 'RG-1', type: VMSS.toLowerCase() }, 1);
      assert.deepEqual(
        groupVmss.flatMap((p) => p.items),
        expected.filter((r) => r.type === VMSS && r.resourceGroup === 'rg-1'),
      );
      assert.deepEqual(await store().computeResources.list({ subscriptionId: sub, type: 'Microsoft.Foo/bars' }, 10), {
        items: [],
      });
      await assert.rejects(store().computeResources.list({ subscriptionId: sub }, 0));
    });
  });
}
