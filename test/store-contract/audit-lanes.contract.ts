import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditAppend, Store } from '../../src/store/store.js';
import { assertLanesChained, whileLaneHeld, within } from '../helpers/audit-lanes.js';
import { T0, useStore } from './fixtures.js';

const signIn = (i: number): AuditAppend => ({ at: T0 + i, data: `{"i":${i}}`, keys: { result: 'success' } });

export function auditLanesContract(newStore: () => Promise<Store>): void {
  describe('audit lanes', () => {
    const store = useStore(newStore);
    const oneWriter = () =>
      store().kind === 'sqlite' ? 'SQLite has one writer: a second transaction waits by design' : false;

    it('a batch larger than one statement can bind is chunked and stays one chain', async () => {
      // 15 columns a row: 5,000 rows need 75,000 parameters (SQLite binds 32,766, PostgreSQL 65,535).
      const rows = Array.from({ length: 5000 }, (_v, i) => signIn(i));
      await store().tx((tx) => tx.audit.append('signIns', rows));
      assert.equal(await assertLanesChained(store(), 'signIns'), 5000);
      const stored = await store().audit.scan('signIns', 0, 10_000);
      assert.deepEqual(
        stored.map((r) => r.data),
        rows.map((r) => r.data),
        'in order, every row once',
      );
    });

    it('an append next to an open one: another lane at once (PostgreSQL), or after it on lane 0 (SQLite)', async () => {
      if (oneWriter()) {
        // One writer by design: the second transaction waits for the first, and both stay on lane 0.
        let second: Promise<void> | undefined;
        await whileLaneHeld(store(), 'signIns', [signIn(0)], async () => {
          second = store().tx((tx) => tx.audit.append('signIns', [signIn(1), signIn(2)]));
        });
        await within(second!, 'the waiting append, once the first commits');
        assert.deepEqual(
          (await store().audit.heads('signIns')).map((h) => h.lane),
          [0],
        );
        await assertLanesChained(store(), 'signIns');
        return;
      }
      const before = await store().audit.heads('signIns');
      await whileLaneHeld(store(), 'signIns', [signIn(0)], () =>
        within(
          store().tx((tx) => tx.audit.append('signIns', [signIn(1), signIn(2)])),
          'an append next to an open one',
        ),
      );
      const heads = await store().audit.heads('signIns');
      assert.ok(heads.length >= 2, 'a second lane');
      assert.deepEqual(
        heads.map((h) => h.lane),
        heads.map((_h, i) => i),
      );
      assert.equal(
        heads.reduce((n, h) => n + h.seq, 0) - before.reduce((n, h) => n + h.seq, 0),
        3,
        'three rows over the lanes',
      );
      await assertLanesChained(store(), 'signIns');
    });

    it('prune deletes an old prefix of every lane and checkpoints each', async () => {
      const heads = await store().audit.heads('signIns');
      const old = (i: number): AuditAppend => ({ ...signIn(i), at: T0 - 1_000_000 + i });
      if (!oneWriter())
        await whileLaneHeld(store(), 'signIns', [old(1)], () =>
          store().tx((tx) => tx.audit.append('signIns', [old(2)])),
        );
      const total = heads.reduce((n, h) => n + h.seq - h.baseSeq, 0) + (oneWriter() ? 0 : 2);
      assert.equal(await store().tx((tx) => tx.audit.prune('signIns', T0 + 1_000_000)), total, 'every row is older');
      for (const h of await store().audit.heads('signIns')) {
        assert.equal(h.baseSeq, h.seq, `lane ${h.lane} is checkpointed at its head`);
        assert.deepEqual(await store().audit.scanLane('signIns', h.lane, 0, 10), []);
      }
      await store().tx((tx) => tx.audit.append('signIns', [signIn(7)]));
      await assertLanesChained(store(), 'signIns');
    });
  });
}
