import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../src/store/store.js';
import type { QueueMessageRecord } from '../../src/store/queues.js';
import type { EntityRecord } from '../../src/store/tables.js';
import { assertConflict, mixedGuid, T0, useStore } from './fixtures.js';
import { account } from './storage.contract.js';

const message = (acct: string, id: string, o: Partial<QueueMessageRecord> = {}): QueueMessageRecord => ({
  account: acct,
  queue: 'q1',
  id,
  text: `text ${id}`,
  insertedAt: T0,
  expiresAt: T0 + 1000,
  visibleAt: T0,
  popReceipt: `pr-${id}`,
  dequeueCount: 0,
  ...o,
});
const entity = (acct: string, pk: string, rk: string, o: Partial<EntityRecord> = {}): EntityRecord => ({
  account: acct,
  table: 'Orders',
  partitionKey: pk,
  rowKey: rk,
  properties: { n: 1, 'big@odata.type': 'Edm.Int64', big: '1' },
  etag: `e-${pk}-${rk}`,
  updatedAt: T0,
  ...o,
});

export function queuesTablesContract(newStore: () => Promise<Store>): void {
  describe('queues and tables', () => {
    const store = useStore(newStore);
    const newAccount = async (): Promise<{ id: string; name: string }> => {
      const a = account(mixedGuid());
      await store().storageAccounts.create(a);
      return a;
    };

    it('queue messages: visibility, expiry, leases by pop receipt, and cascade from the account', async () => {
      const a = await newAccount();
      const q = store().queues;
      await q.createQueue({ account: a.name, name: 'q1', metadata: { m: 'v' }, createdAt: T0 });
      await assertConflict(q.createQueue({ account: a.name.toUpperCase(), name: 'q1', metadata: {}, createdAt: T0 }));
      await q.putMessage(message(a.name, 'm1'));
      await q.putMessage(message(a.name, 'm2', { insertedAt: T0 + 1, visibleAt: T0 + 500 }));
      await q.putMessage(message(a.name, 'm3', { insertedAt: T0 + 2, expiresAt: undefined }));
      const ids = async (now: number, all = false) =>
        (await q.liveMessages(a.name, 'q1', now, 10, all)).map((m) => m.id);
      assert.deepEqual(await ids(T0), ['m1', 'm3']);
      assert.deepEqual(await ids(T0, true), ['m1', 'm2', 'm3']);
      assert.deepEqual(await ids(T0 + 2000), ['m3'], 'expired ones are gone; m3 never expires');
      assert.equal(await q.countMessages(a.name, 'q1', T0), 3);
      const lease = { popReceipt: 'pr-m1', newPopReceipt: 'pr-m1b', visibleAt: T0 + 30, dequeue: true };
      assert.equal(await q.leaseMessage(a.name, 'q1', 'm1', lease), true);
      assert.equal(await q.leaseMessage(a.name, 'q1', 'm1', lease), false, 'the old pop receipt no longer works');
      assert.equal((await q.getMessage(a.name, 'q1', 'm1'))?.dequeueCount, 1);
      assert.equal(await q.deleteMessage(a.name, 'q1', 'm1', 'pr-m1'), false);
      assert.equal(await q.deleteMessage(a.name, 'q1', 'm1', 'pr-m1b'), true);
      assert.equal(await store().storageAccounts.delete(a.id), true);
      assert.equal(await q.getQueue(a.name, 'q1'), undefined);
      assert.equal(await q.getMessage(a.name, 'q1', 'm3'), undefined);
    });

    it('tables: names without case, entities in key order from a cursor, etag conditions, cascade', async () => {
      const a = await newAccount();
      const t = store().tables;
      await t.createTable({ account: a.name, name: 'Orders', createdAt: T0 });
      await assertConflict(t.createTable({ account: a.name, name: 'ORDERS', createdAt: T0 }));
      assert.equal((await t.getTable(a.name, 'orders'))?.name, 'Orders');
      for (const [pk, rk] of [
        ['p2', 'a'],
        ['p1', 'b'],
        ['p1', 'a'],
        ['P1', 'z'],
      ] as const)
        await t.insertEntity(entity(a.name, pk, rk));
      await assertConflict(t.insertEntity(entity(a.name, 'p1', 'a')));
      const keys = async (from?: { partitionKey: string; rowKey: string }) =>
        (await t.scanEntities(a.name, 'orders', 10, from)).map((e) => `${e.partitionKey}/${e.rowKey}`);
      assert.deepEqual(await keys(), ['P1/z', 'p1/a', 'p1/b', 'p2/a'], 'bytewise order');
      assert.deepEqual(await keys({ partitionKey: 'p1', rowKey: 'b' }), ['p1/b', 'p2/a']);
      const next = entity(a.name, 'p1', 'a', { properties: { n: 2 }, etag: 'e2' });
      assert.equal(await t.replaceEntity(next, 'stale'), false);
      assert.equal(await t.replaceEntity(next, 'e-p1-a'), true);
      assert.deepEqual((await t.getEntity(a.name, 'ORDERS', next))?.properties, { n: 2 });
      assert.equal(await t.deleteEntity(a.name, 'Orders', next, 'e-p1-a'), false);
      assert.equal(await t.deleteEntity(a.name, 'Orders', next, 'e2'), true);
      await t.upsertEntity(entity(a.name, 'p9', 'a'));
      assert.equal((await t.listTables(a.name, 10)).length, 1);
      assert.equal(await store().storageAccounts.delete(a.id), true);
      assert.equal(await t.getTable(a.name, 'Orders'), undefined);
      assert.equal(await t.getEntity(a.name, 'Orders', { partitionKey: 'p9', rowKey: 'a' }), undefined);
    });
  });
}
