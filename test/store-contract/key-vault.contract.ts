import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KeyVaultRecord, SecretVersionRecord } from '../../src/store/key-vault.js';
import type { Store } from '../../src/store/store.js';
import { assertConflict, collectPages, flipCase, mixedGuid, T0, useStore } from './fixtures.js';

function vault(sub: string, rg: string, name: string): KeyVaultRecord {
  const id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.KeyVault/vaults/${name}`;
  return {
    id,
    subscriptionId: sub,
    resourceGroup: rg,
    name,
    location: 'westeurope',
    tags: { env: 'Test' },
    tenantId: mixedGuid(),
    sku: 'standard',
    createdAt: T0,
    updatedAt: T0,
  };
}

function version(
  vaultId: string,
  name: string,
  n: number,
  over: Partial<SecretVersionRecord> = {},
): SecretVersionRecord {
  return {
    vaultId,
    name,
    version: n.toString(16).padStart(32, '0'),
    sealedValue: `v1.sealed-${n}`,
    contentType: null,
    tags: {},
    enabled: true,
    notBefore: null,
    expires: null,
    createdAt: T0 + n,
    updatedAt: T0 + n,
    ...over,
  };
}

export function keyVaultContract(newStore: () => Promise<Store>): void {
  describe('keyVaults', () => {
    const store = useStore(newStore);

    it('round-trips, looks up by id and global name case-insensitively, conflicts on either', async () => {
      const v = vault(mixedGuid(), 'Rg-1', `Kv-${mixedGuid().slice(0, 6)}`);
      await store().keyVaults.create(v);
      assert.deepEqual(await store().keyVaults.get(flipCase(v.id)), v);
      assert.deepEqual(await store().keyVaults.getByName(flipCase(v.name)), v);
      await assertConflict(store().keyVaults.create({ ...vault(mixedGuid(), 'other', v.name.toUpperCase()) }));
      assert.equal(await store().keyVaults.update({ ...v, tags: {}, sku: 'premium', updatedAt: T0 + 5 }), true);
      assert.deepEqual(await store().keyVaults.get(v.id), { ...v, tags: {}, sku: 'premium', updatedAt: T0 + 5 });
    });

    it('lists by subscription and resource group in name order, paged', async () => {
      const sub = mixedGuid();
      const names = ['c-kv', 'A-kv', 'b-kv'].map((n) => `${n}-${mixedGuid().slice(0, 4)}`);
      for (const [i, n] of names.entries()) await store().keyVaults.create(vault(sub, i === 2 ? 'rg2' : 'rg1', n));
      const pages = await collectPages((after) => store().keyVaults.list({ subscriptionId: sub }, 2, after));
      assert.deepEqual(
        pages.flatMap((p) => p.items.map((v) => v.name)),
        [...names].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())),
      );
      const rg = await store().keyVaults.list({ subscriptionId: sub, resourceGroup: 'RG2' }, 10);
      assert.deepEqual(
        rg.items.map((v) => v.name),
        [names[2]],
      );
    });

    it('deleting a vault removes its secrets', async () => {
      const v = vault(mixedGuid(), 'rg', `kv-${mixedGuid().slice(0, 6)}`);
      await store().keyVaults.create(v);
      await store().keyVaultSecrets.putVersion(version(v.id, 's', 1));
      assert.equal(await store().tx((tx) => tx.keyVaults.delete(v.id)), true);
      assert.equal(await store().keyVaults.get(v.id), undefined);
      assert.equal(await store().keyVaultSecrets.latest(v.id, 's'), undefined);
      assert.equal(await store().keyVaults.delete(v.id), false);
    });
  });

  describe('keyVaultSecrets', () => {
    const store = useStore(newStore);
    const vaultId = `/subscriptions/${mixedGuid()}/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv`;

    it('keeps versions newest first, finds latest and by version, updates attributes, conflicts on a duplicate version', async () => {
      const one = version(vaultId, 'Db-Password', 1);
      const two = version(vaultId, 'Db-Password', 2, { contentType: 'text/plain', tags: { a: 'b' }, expires: T0 + 99 });
      await store().keyVaultSecrets.putVersion(one);
      await store().keyVaultSecrets.putVersion(two);
      await assertConflict(store().keyVaultSecrets.putVersion(one));
      assert.deepEqual(await store().keyVaultSecrets.latest(flipCase(vaultId), 'db-password'), two);
      assert.deepEqual(await store().keyVaultSecrets.getVersion(vaultId, 'DB-PASSWORD', one.version), one);
      assert.deepEqual(
        (await store().keyVaultSecrets.listVersions(vaultId, 'db-password')).map((s) => s.version),
        [two.version, one.version],
      );
      const updated = { ...one, enabled: false, tags: { x: 'y' }, notBefore: T0, updatedAt: T0 + 50 };
      assert.equal(await store().keyVaultSecrets.updateVersion(updated), true);
      assert.deepEqual(await store().keyVaultSecrets.getVersion(vaultId, 'db-password', one.version), updated);
      assert.equal(await store().keyVaultSecrets.updateVersion({ ...one, version: 'f'.repeat(32) }), false);
    });

    it('lists the latest version of each secret; soft delete, recover and purge', async () => {
      await store().keyVaultSecrets.putVersion(version(vaultId, 'alpha', 3));
      const latest = await store().keyVaultSecrets.listLatest(vaultId);
      assert.deepEqual(
        latest.map((s) => [s.name, s.version]),
        [
          ['alpha', version(vaultId, 'alpha', 3).version],
          ['Db-Password', version(vaultId, 'x', 2).version],
        ],
      );
      const del = { vaultId, name: 'alpha', deletedAt: T0 + 10, scheduledPurgeAt: T0 + 1000 };
      await store().keyVaultSecrets.markDeleted(del);
      await assertConflict(store().keyVaultSecrets.markDeleted(del));
      assert.deepEqual(await store().keyVaultSecrets.getDeleted(vaultId, 'ALPHA'), del);
      assert.deepEqual(await store().keyVaultSecrets.listDeleted(vaultId), [del]);
      assert.equal(await store().keyVaultSecrets.recover(vaultId, 'alpha'), true);
      assert.equal(await store().keyVaultSecrets.recover(vaultId, 'alpha'), false);
      assert.equal(await store().keyVaultSecrets.purge(vaultId, 'alpha'), false, 'only deleted secrets can be purged');
      await store().keyVaultSecrets.markDeleted(del);
      assert.equal(await store().tx((tx) => tx.keyVaultSecrets.purge(vaultId, 'alpha')), true);
      assert.equal(await store().keyVaultSecrets.latest(vaultId, 'alpha'), undefined);
      assert.equal(await store().keyVaultSecrets.getDeleted(vaultId, 'alpha'), undefined);
    });
  });
}
