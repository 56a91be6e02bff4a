import assert from 'node:assert/strict';
import { chainHash } from '../../src/store/sql/audit-chain.js';
import type { AuditLogName } from '../../src/store/records.js';
import type { AuditAppend, Store } from '../../src/store/store.js';

/** Fails instead of hanging when `p` waits on a lock it should not wait for; far above any commit time. */
export async function within<T>(p: Promise<T>, what: string, ms = 20_000): Promise<T> {
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
 * Runs `fn` while a transaction of `holder` (a node) has appended `rows` to `log` and not yet
 * committed, so it holds a lane; that transaction commits after `fn` returns.
 */
export async function whileLaneHeld<T>(
  holder: Store,
  log: AuditLogName,
  rows: readonly AuditAppend[],
  fn: () => Promise<T>,
): Promise<T> {
  let appended!: () => void;
  let release!: () => void;
  const ready = new Promise<void>((r) => (appended = r));
  const held = new Promise<void>((r) => (release = r));
  const open = holder.tx(async (tx) => {
    await tx.audit.append(log, rows);
    appended();
    await held;
  });
  await Promise.race([ready, open]);
  try {
    return await fn();
  } finally {
    release();
    await open;
  }
}

/** Each lane of `log` is one unbroken chain from its checkpoint to its head. */
export async function assertLanesChained(store: Store, log: AuditLogName): Promise<number> {
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
