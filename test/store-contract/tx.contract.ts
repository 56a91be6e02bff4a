import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDomainError } from '../../src/kernel/errors.js';
import type { Store, StoreRepos } from '../../src/store/store.js';
import { tenant, useStore } from './fixtures.js';

export function txContract(newStore: () => Promise<Store>): void {
  describe('tx', () => {
    const store = useStore(newStore);

    it('commits all writes and returns fn’s value; reads inside see the tx’s own writes', async () => {
      const a = tenant();
      const b = tenant();
      const result = await store().tx(async (tx) => {
        await tx.tenants.create(a);
        await tx.meta.set('tx-commit', 'yes');
        assert.deepEqual(await tx.tenants.get(a.id), a);
        await tx.tenants.create(b);
        return 42;
      });
      assert.equal(result, 42);
      assert.deepEqual(await store().tenants.get(a.id), a);
      assert.deepEqual(await store().tenants.get(b.id), b);
      assert.equal(await store().meta.get('tx-commit'), 'yes');
    });

    it('rolls back every write when fn throws, and rethrows the same error', async () => {
      const a = tenant();
      const boom = new Error('boom');
      await assert.rejects(
        store().tx(async (tx) => {
          await tx.tenants.create(a);
          await tx.meta.set('tx-rollback', 'yes');
          throw boom;
        }),
        (e: unknown) => e === boom,
      );
      assert.equal(await store().tenants.get(a.id), undefined);
      assert.equal(await store().meta.get('tx-rollback'), undefined);
    });

    it('a call on the store while a tx is open is not part of that tx', async () => {
      const inside = tenant();
      const outside = tenant();
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let started!: () => void;
      const txStarted = new Promise<void>((resolve) => (started = resolve));
      const txDone = store().tx(async (tx) => {
        await tx.tenants.create(inside);
        started();
        await gate;
        throw new Error('roll back');
      });
      await txStarted;
      const outsideDone = store().tenants.create(outside);
      release();
      await assert.rejects(txDone, /roll back/);
      await outsideDone;
      assert.deepEqual(await store().tenants.get(outside.id), outside);
      assert.equal(await store().tenants.get(inside.id), undefined);
    });

    it('a conflict caught inside the tx leaves the tx usable', async () => {
      const a = tenant();
      const b = tenant();
      await store().tx(async (tx) => {
        await tx.tenants.create(a);
        await assert.rejects(
          tx.tenants.create({ ...a, id: a.id.toUpperCase() }),
          (e: unknown) => isDomainError(e) && e.kind === 'conflict',
        );
        await tx.tenants.create(b);
      });
      assert.deepEqual(await store().tenants.get(a.id), a);
      assert.deepEqual(await store().tenants.get(b.id), b);
    });

    it('the tx repos refuse to work after the tx has ended', async () => {
      let leaked: StoreRepos | undefined;
      await store().tx(async (tx) => {
        leaked = tx;
      });
      const t = tenant();
      await assert.rejects(leaked!.tenants.create(t), /transaction already finished/);
      assert.equal(await store().tenants.get(t.id), undefined);
    });

    it('separate transactions run one after another without losing writes', async () => {
      const made = Array.from({ length: 5 }, () => tenant());
      await Promise.all(made.map((t) => store().tx((tx) => tx.tenants.create(t))));
      for (const t of made) assert.deepEqual(await store().tenants.get(t.id), t);
    });
  });

  describe('migrate', () => {
    const store = useStore(newStore);

    it('is idempotent, also when called concurrently, and keeps data', async () => {
      const t = tenant();
      await store().tenants.create(t);
      await store().migrate();
      await Promise.all([store().migrate(), store().migrate()]);
      assert.deepEqual(await store().tenants.get(t.id), t);
    });
  });
}
