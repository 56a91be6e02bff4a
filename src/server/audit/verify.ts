import type { AuditHeadRecord, AuditLogName } from '../../store/records.js';
import type { StoreRepos } from '../../store/store.js';
import { walkLane, type Broken } from './verify-lane.js';

export interface VerifyResult {
  log: AuditLogName;
  ok: boolean;
  /** Rows checked (from each lane's retention checkpoint to its head). */
  rows: number;
  /** Lanes (hash chains) the log has (docs/audit.md "Tamper evidence"). */
  lanes: number;
  /** First place where a chain breaks: its lane, the position there, what happened, and why we think so. */
  broken?: Broken;
}

/** Where a chunked walk stopped: the lane, its last row checked (lane_seq) and hash, and how many rows were checked so far. */
export interface VerifyCursor {
  log: AuditLogName;
  lane: number;
  seq: number;
  hash: string;
  rows: number;
}

/** Walks every lane of one log from its retention checkpoint to its head, following appends made meanwhile. */
export async function verifyLog(repos: StoreRepos, log: AuditLogName, pageSize = 1000): Promise<VerifyResult> {
  const r = await verifyLogChunk(repos, log, { pageSize });
  if ('ok' in r) return r;
  throw new Error('unreachable: an unbounded walk always finishes');
}

/**
 * Lanes are numbered 0, 1, … without gaps, and every log has lane 0: a missing number is a head
 * that was deleted (its rows, if any, then hang off no head).
 */
function missingLane(heads: readonly AuditHeadRecord[]): Broken | undefined {
  for (let lane = 0; lane < Math.max(heads.length, 1); lane++)
    if (heads[lane]?.lane !== lane)
      return { lane, seq: 0, kind: 'deleted', reason: `lane ${lane} has no head: its head row was deleted` };
  return undefined;
}

/** After the last lane: no row may belong to a lane that has no head. Undefined: lanes were added meanwhile, walk on. */
async function endOfLog(
  repos: StoreRepos,
  log: AuditLogName,
  lanes: number,
  rows: number,
): Promise<VerifyResult | undefined> {
  const stray = await repos.audit.rowOutsideLanes(log, lanes);
  if (!stray) return { log, ok: true, rows, lanes };
  // A lane added (and appended to) after the heads were read is not a stray.
  if ((await repos.audit.heads(log)).length > lanes) return undefined;
  const reason = `lane ${stray.lane} has rows (from seq ${stray.seq}) but no head: its head was deleted, or the rows were added without going through the log`;
  return { log, ok: false, rows, lanes, broken: { lane: stray.lane, seq: stray.laneSeq, kind: 'deleted', reason } };
}

/**
 * One bounded piece of the walk: from `from` (or the first lane's checkpoint), lane after lane, at
 * most about `maxRows` rows, then a cursor to go on from; a log of millions of rows is verified
 * over several calls (and HTTP requests), each quick, in constant memory. A cursor behind a
 * checkpoint that retention moved meanwhile goes on from the checkpoint: the rows it would have
 * checked are gone by design. Lanes added meanwhile are walked too (heads are re-read per lane).
 */
export async function verifyLogChunk(
  repos: StoreRepos,
  log: AuditLogName,
  o: { from?: VerifyCursor; maxRows?: number; pageSize?: number },
): Promise<VerifyResult | VerifyCursor> {
  let rows = o.from?.rows ?? 0;
  const stopAt = rows + (o.maxRows ?? Infinity);
  let lane = o.from?.lane ?? 0;
  let from = o.from && { seq: o.from.seq, hash: o.from.hash };
  for (;;) {
    const heads = await repos.audit.heads(log);
    const missing = missingLane(heads);
    if (missing) return { log, ok: false, rows, lanes: heads.length, broken: missing };
    const head = heads[lane];
    if (!head) {
      const end = await endOfLog(repos, log, heads.length, rows);
      if (end) return end;
      continue;
    }
    const w = await walkLane(repos, log, head, { from, rows, stopAt, pageSize: o.pageSize ?? 1000 });
    if (w.end === 'broken') return { log, ok: false, rows: w.rows, lanes: heads.length, broken: w.broken };
    if (w.end === 'paused') return { log, lane, seq: w.seq, hash: w.hash, rows: w.rows };
    [rows, lane, from] = [w.rows, lane + 1, undefined];
  }
}
