import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Store } from '../../src/store/store.js';
import type { BlobRecord, StorageAccountRecord } from '../../src/store/storage.js';
import { assertConflict, collectPages, mixedGuid, T0, useStore } from './fixtures.js';

const uniqueName = (): string => `sa${randomBytes(6).toString('hex')}`;

export function account(subscriptionId: string, name = uniqueName(), rg = 'rg-Storage'): StorageAccountRecord {
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${name}`,
    subscriptionId,
    resourceGroup: rg,
    name,
    location: 'westeurope',
    tags: { env: 'test' },
    body: { sku: { name: 'Standard_LRS' }, kind: 'StorageV2' },
    keys: [
      { keyName: 'key1', sealed: 'v1.a.b.c', creationTime: T0 },
      { keyName: 'key2', sealed: 'v1.d.e.f', creationTime: T0 },
    ],
    createdAt: T0,
    updatedAt: T0,
  };
}

const blob = (acct: string, container: string, name: string, o: Partial<BlobRecord> = {}): BlobRecord => ({
  account: acct,
  container,
  name,
  size: 0,
  properties: { 'content-type': 'text/plain' },
  metadata: { a: '1' },
  etag: '"0x1"',
  createdAt: T0,
  updatedAt: T0,
  ...o,
});

export function storageContract(newStore: () => Promise<Store>): void {
  describe('storageAccounts', () => {
    const store = useStore(newStore);

    it('round-trips, finds by id and by name case-insensitively, and conflicts on a name in another subscription', async () => {
      const a = account(mixedGuid());
      await store().storageAccounts.create(a);
      assert.deepEqual(await store().storageAccounts.get(a.id.toUpperCase()), a);
      assert.deepEqual(await store().storageAccounts.getByName(a.name.toUpperCase()), a);
      await assertConflict(store().storageAccounts.create(account(mixedGuid(), a.name)));
    });

    it('update replaces keys, tags and body; delete cascades to containers and blobs', async () => {
      const a = account(mixedGuid());
      await store().storageAccounts.create(a);
      const next = {
        ...a,
        tags: {},
        keys: [a.keys[1]!, { keyName: 'key1' as const, sealed: 'v1.x.y.z', creationTime: T0 + 1 }],
        updatedAt: T0 + 1,
      };
      assert.equal(await store().storageAccounts.update(next), true);
      assert.deepEqual(await store().storageAccounts.get(a.id), next);
      await store().blobs.createContainer({ account: a.name, name: 'c1', metadata: {}, etag: '"1"', createdAt: T0 });
      await store().blobs.putBlob(blob(a.name, 'c1', 'b'), Buffer.from('x'));
      assert.equal(await store().storageAccounts.delete(a.id), true);
      assert.equal(await store().blobs.getContainer(a.name, 'c1'), undefined);
      assert.equal(await store().blobs.getBlob(a.name, 'c1', 'b'), undefined);
      assert.equal(await store().storageAccounts.delete(a.id), false);
    });

    it('lists one resource group in pages', async () => {
      const sub = mixedGuid();
      for (const n of ['b', 'a', 'c']) await store().storageAccounts.create(account(sub, `${n}${uniqueName()}`));
      await store().storageAccounts.create(account(sub, uniqueName(), 'other'));
      const pages = await collectPages((after) =>
        store().storageAccounts.list({ subscriptionId: sub, resourceGroup: 'RG-storage' }, 2, after),
      );
      assert.deepEqual(
        pages.flatMap((p) => p.items.map((i) => i.name[0])),
        ['a', 'b', 'c'],
      );
    });
  });

  describe('blobs', () => {
    const store = useStore(newStore);
    const setup = async (): Promise<string> => {
      const a = account(mixedGuid());
      await store().storageAccounts.create(a);
      await store().blobs.createContainer({
        account: a.name,
        name: 'data',
        metadata: { m: 'v' },
        etag: '"c"',
        createdAt: T0,
      });
      return a.name;
    };

    it('containers: create conflicts, list by prefix and after, delete', async () => {
      const acct = await setup();
      await assertConflict(
        store().blobs.createContainer({ account: acct, name: 'data', metadata: {}, etag: '"x"', createdAt: T0 }),
      );
      for (const n of ['dz', 'da', 'other'])
        await store().blobs.createContainer({ account: acct, name: n, metadata: {}, etag: '"x"', createdAt: T0 });
      assert.deepEqual(
        (await store().blobs.listContainers(acct, 'd', 10)).map((c) => c.name),
        ['da', 'data', 'dz'],
      );
      assert.deepEqual(
        (await store().blobs.listContainers(acct, '', 2, 'data')).map((c) => c.name),
        ['dz', 'other'],
      );
      assert.deepEqual((await store().blobs.getContainer(acct.toUpperCase(), 'data'))?.metadata, { m: 'v' });
      assert.equal(await store().blobs.deleteContainer(acct, 'da'), true);
      assert.equal(await store().blobs.deleteContainer(acct, 'da'), false);
    });

    it('blobs keep exact bytes, report size, replace on put and delete', async () => {
      const acct = await setup();
      const bytes = randomBytes(70_000);
      await store().blobs.putBlob(blob(acct, 'data', 'dir/x.bin'), bytes);
      assert.deepEqual(await store().blobs.getContent(acct, 'data', 'dir/x.bin'), bytes);
      assert.equal((await store().blobs.getBlob(acct, 'data', 'dir/x.bin'))?.size, 70_000);
      await store().blobs.putBlob(
        blob(acct, 'data', 'dir/x.bin', { etag: '"0x2"', updatedAt: T0 + 5 }),
        Buffer.from('small'),
      );
      const got = await store().blobs.getBlob(acct, 'data', 'dir/x.bin');
      assert.deepEqual(got, blob(acct, 'data', 'dir/x.bin', { size: 5, etag: '"0x2"', updatedAt: T0 + 5 }));
      assert.equal(await store().blobs.getBlob(acct, 'data', 'DIR/x.bin'), undefined, 'blob names are case-sensitive');
      assert.equal(await store().blobs.deleteBlob(acct, 'data', 'dir/x.bin'), true);
      assert.equal(await store().blobs.getContent(acct, 'data', 'dir/x.bin'), undefined);
    });

    it('lists blobs by prefix (with % and _ taken literally) and after', async () => {
      const acct = await setup();
      for (const n of ['a%1', 'a_2', 'ab', 'b']) await store().blobs.putBlob(blob(acct, 'data', n), Buffer.from(n));
      assert.deepEqual(
        (await store().blobs.listBlobs(acct, 'data', 'a%', 10)).map((b) => b.name),
        ['a%1'],
      );
      assert.deepEqual(
        (await store().blobs.listBlobs(acct, 'data', 'a', 10, 'a_2')).map((b) => b.name),
        ['ab'],
      );
      assert.deepEqual(
        (await store().blobs.listBlobs(acct, 'data', '', 10)).map((b) => b.size),
        [3, 3, 2, 1],
      );
    });

    it('stages blocks, replaces a block by id, and putBlob clears them', async () => {
      const acct = await setup();
      await store().blobs.putBlock(acct, 'data', 'big', 'AA==', Buffer.from('one'), T0);
      await store().blobs.putBlock(acct, 'data', 'big', 'AQ==', Buffer.from('two'), T0);
      await store().blobs.putBlock(acct, 'data', 'big', 'AA==', Buffer.from('uno'), T0);
      const blocks = await store().blobs.getBlocks(acct, 'data', 'big');
      assert.deepEqual([...blocks.entries()].sort(), [
        ['AA==', Buffer.from('uno')],
        ['AQ==', Buffer.from('two')],
      ]);
      assert.equal(await store().blobs.countBlocks(acct, 'data', 'big'), 2);
      await store().blobs.putBlob(blob(acct, 'data', 'big'), Buffer.from('unotwo'));
      assert.equal(await store().blobs.countBlocks(acct, 'data', 'big'), 0);
    });
  });
}
