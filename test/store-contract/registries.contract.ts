import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ContainerRegistryRecord } from '../../src/store/registry.js';
import type { Store } from '../../src/store/store.js';
import { assertConflict, collectPages, flipCase, mixedGuid, T0, useStore } from './fixtures.js';

function registry(sub: string, rg: string, name: string): ContainerRegistryRecord {
  return {
    id: `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerRegistry/registries/${name}`,
    subscriptionId: sub,
    resourceGroup: rg,
    name,
    location: 'westeurope',
    tags: { env: 'Test' },
    body: { sku: { name: 'Basic' }, properties: { loginServer: '127.0.0.1:5000' } },
    createdAt: T0,
    updatedAt: T0,
  };
}

export function registryContract(newStore: () => Promise<Store>): void {
  describe('containerRegistries', () => {
    const store = useStore(newStore);

    it('round-trips, looks up by id and global name case-insensitively, conflicts on either, updates', async () => {
      const r = registry(mixedGuid(), 'Rg-1', `Acr${mixedGuid().slice(0, 6)}`);
      await store().containerRegistries.create(r);
      assert.deepEqual(await store().containerRegistries.get(flipCase(r.id)), r);
      assert.deepEqual(await store().containerRegistries.getByName(flipCase(r.name)), r);
      await assertConflict(store().containerRegistries.create(registry(mixedGuid(), 'other', r.name.toUpperCase())));
      const next = { ...r, tags: {}, body: { sku: { name: 'Premium' } }, updatedAt: T0 + 5 };
      assert.equal(await store().containerRegistries.update(next), true);
      assert.deepEqual(await store().containerRegistries.get(r.id), next);
    });

    it('lists by subscription and resource group in name order, paged; deletes', async () => {
      const sub = mixedGuid();
      const names = ['cacr', 'Aacr', 'bacr'].map((n) => `${n}${mixedGuid().slice(0, 4)}`);
      for (const [i, n] of names.entries())
        await store().containerRegistries.create(registry(sub, i === 2 ? 'rg2' : 'rg1', n));
      const pages = await collectPages((after) => store().containerRegistries.list({ subscriptionId: sub }, 2, after));
      assert.deepEqual(
        pages.flatMap((p) => p.items.map((r) => r.name)),
        [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())),
      );
      const rg = await store().containerRegistries.list({ subscriptionId: sub, resourceGroup: 'RG2' }, 10);
      assert.deepEqual(
        rg.items.map((r) => r.name),
        [names[2]],
      );
      const gone = registry(sub, 'rg2', names[2]!);
      assert.equal(await store().containerRegistries.delete(gone.id), true);
      assert.equal(await store().containerRegistries.get(gone.id), undefined);
      assert.equal(await store().containerRegistries.delete(gone.id), false);
    });
  });
}
