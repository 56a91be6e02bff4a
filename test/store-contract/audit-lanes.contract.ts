import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chainHash } from '../../src/store/sql/audit-chain.js';
import type { AuditAppend, Store } from '../../src/store/store.js';
import { T0, useStore } from './fixtures.js';

const signIn = (i: number): AuditAppend => ({ at: T0 + i, data: `{"i":${i}}`, keys: { result: 'success' } });

/** Fails instead of hanging when `p` waits on a lock it should not wait for; far above any commit time. */
async function within<T>(p: Promise<T>, what: string, ms = 20_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_r, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms: it waited on a lock`)), ms);
  });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `fn` while another transaction of `holder` has appended to `log` and not yet committed;
 * that transaction commits after `fn` returns.
 */
export async function whileLaneHeld<T>(holder: Store, fn: () => Promise<T>, rows = [signIn(0)]): Promise<T> {
  let appended!: () => void;
  let release!: () => void;
  const ready = new Promise<void>((r) => (appended = r));
  const held = new Promise<void>((r) => (release = r));
  const open = holder.tx(async (tx) => {
    await tx.audit.append('signIns', rows);
    appended();
    await held;
  });
  await ready;
  try {
    return await fn();
  } finally {
    release();
    await open;
  }
}

/** Each lane of `log` is one unbroken chain from its checkpoint to its head. */
export async function assertLanesChained(store: Store, log: 'activity' | 'signIns'): Promise<number> {
  let rows = 0;
  for (const h of await store.audit.heads(log)) {
    let [seq, hash] = [h.baseSeq, h.baseHash];
    for (const r of await store.audit.scanLane(log, h.lane, h.baseSeq, 1_000_000)) {
      assert.deepEqual([r.laneSeq, r.prevHash], [seq + 1, hash], `lane ${h.lane} row ${r.laneSeq}`);
      assert.equal(r.hash, chainHash(hash, r.seq, r.at, r.data));
      [seq, hash, rows] = [r.laneSeq, r.hash, rows + 1];
    }
    assert.deepEqual([h.seq, h.hash], [seq, hash], `lane ${h.lane}'s head is its last row`);
  }
  return rows;
}

export function auditLanesContract(newStore: () => Promise<Store>): void {
  describe('audit lanes', () => {
    const store = useStore(newStore);
    const oneWriter = () => (store().kind === 'sqlite' ? 'SQLite has one writer: a second transaction waits by design' : false);

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

    it('an append while another transaction holds a lane takes another lane and commits at once', async (t) => {
      if (oneWriter()) return t.skip(String(oneWriter()));
      const before = await store().audit.heads('signIns');
      await whileLaneHeld(store(), () =>
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
      if (!oneWriter()) await whileLaneHeld(store(), () => store().tx((tx) => tx.audit.append('signIns', [old(2)])), [old(1)]);
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
