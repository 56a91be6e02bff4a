import type { AuditLogName } from '../records.js';
import type { Executor } from './executor.js';

/** A lane's tip as stored: its last lane_seq and hash. */
export interface LaneHead {
  lane: number;
  seq: number;
  hash: string;
}

/**
 * What differs between the engines when appending to an audit log (docs/audit.md "Tamper
 * evidence"): how a transaction gets a lane of its own, where global seqs come from, and how
 * many bind parameters one statement may carry.
 */
export interface AuditLanes {
  /** SQLite: 32766 (SQLITE_MAX_VARIABLE_NUMBER); PostgreSQL: 65535 (the wire protocol's Int16 count). */
  readonly maxParams: number;
  /** The head of a lane that `db`'s transaction holds alone until it ends. */
  claim(db: Executor, log: AuditLogName): Promise<LaneHead>;
  /** `n` global seqs for new rows, increasing, never handed out before. */
  nextSeqs(db: Executor, log: AuditLogName, n: number): Promise<number[]>;
}

/** SQLite: one connection, one writer (BEGIN IMMEDIATE), so lane 0 is always free. */
export const sqliteAuditLanes: AuditLanes = {
  maxParams: 32766,
  claim: async (db, log) => {
    const head = await db.get<LaneHead>(
      'SELECT lane, seq, hash FROM audit_heads WHERE log = $1 ORDER BY lane LIMIT 1',
      [log],
    );
    if (!head) throw new Error(`audit_heads has no lane for the ${log} log: the audit migrations did not run`);
    return head;
  },
  nextSeqs: async (db, log, n) => {
    await db.run('UPDATE audit_seqs SET seq = seq + $1 WHERE log = $2', [n, log]);
    const r = await db.get<{ seq: number }>('SELECT seq FROM audit_seqs WHERE log = $1', [log]);
    if (!r) throw new Error(`audit_seqs has no row for the ${log} log: the audit migrations did not run`);
    return Array.from({ length: n }, (_v, i) => r.seq - n + 1 + i);
  },
};
