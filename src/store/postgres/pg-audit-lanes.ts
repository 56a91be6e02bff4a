import type { AuditLogName } from '../records.js';
import type { AuditLanes, LaneHead } from '../sql/audit-lanes.js';
import type { Executor } from '../sql/executor.js';

const SEQUENCES: Record<AuditLogName, string> = { activity: 'audit_activity_seq', signIns: 'audit_sign_ins_seq' };

/** Rounds of "take a free lane, else add one" before queueing on a busy lane. */
const CLAIM_ATTEMPTS = 3;

const HEAD = 'SELECT lane, seq, hash FROM audit_heads WHERE log = $1';

// Lanes are numbered 0, 1, … per log without gaps, so verify notices a head that was removed
// (docs/audit.md). max + 1 under the primary key: two nodes adding at once add one lane, and the
// other finds it (or the next round adds another).
const ADD_LANE = `INSERT INTO audit_heads (log, lane, seq, hash, base_seq, base_hash)
SELECT $1::text, COALESCE(MAX(lane) + 1, 0), 0, '', 0, '' FROM audit_heads WHERE log = $1::text
ON CONFLICT DO NOTHING`;

/**
 * PostgreSQL: a transaction takes the lowest lane no other transaction holds (`FOR UPDATE SKIP
 * LOCKED`: it never waits for another node's append), and when every lane is held it adds one.
 * The lane is added through `autocommit` (its own connection, not the transaction's): committed
 * at once, so a rolled-back transaction leaves no gap in the numbering, and a lane added by one
 * node is free for every other at once. So a log has about as many lanes as the most appends that
 * ever ran at the same time. Global seqs come from a sequence: no lock, and increasing in the
 * order transactions take them (CACHE 1, migration 13).
 */
export function pgAuditLanes(autocommit: Executor): AuditLanes {
  return {
    maxParams: 65535,
    claim: async (db, log) => {
      for (let i = 0; i < CLAIM_ATTEMPTS; i++) {
        const free = await db.get<LaneHead>(`${HEAD} ORDER BY lane LIMIT 1 FOR UPDATE SKIP LOCKED`, [log]);
        if (free) return free;
        await autocommit.run(ADD_LANE, [log]);
      }
      // Other transactions took every new lane first: queue on one, as the single chain did.
      const head = await db.get<LaneHead>(`${HEAD} ORDER BY lane DESC LIMIT 1 FOR UPDATE`, [log]);
      if (!head) throw new Error(`audit_heads has no lane for the ${log} log: the audit migrations did not run`);
      return head;
    },
    nextSeqs: async (db, log, n) => {
      const rows = await db.all<{ seq: number }>(
        'SELECT nextval($1::regclass) AS seq FROM generate_series(1, $2::int)',
        [SEQUENCES[log], n],
      );
      return rows.map((r) => r.seq).sort((a, b) => a - b);
    },
  };
}
