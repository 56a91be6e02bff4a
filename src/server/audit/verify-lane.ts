import type { AuditEntryRecord, AuditHeadRecord, AuditLogName } from '../../store/records.js';
import type { StoreRepos } from '../../store/store.js';
import { chainHash } from '../../store/sql/audit-chain.js';
import { storableText } from '../../store/sql/executor.js';
import { activityKeys, parseActivity } from './activity.js';
import { parseSignIn, signInKeys } from './sign-in-log.js';

export type ChainBreak = 'edited' | 'deleted' | 'inserted';

/** Where a chain breaks: the lane, the position in it (`seq`: lane_seq; 0 for the lane as a whole), what happened and why we think so. */
export interface Broken {
  lane: number;
  seq: number;
  kind: ChainBreak;
  reason: string;
}

/** How the walk of one lane ended: at its head, at a break, or paused at a row to resume after. */
export type LaneWalk =
  | { end: 'done'; rows: number }
  | { end: 'broken'; rows: number; broken: Broken }
  | { end: 'paused'; rows: number; seq: number; hash: string };

const keysOf = (log: AuditLogName, r: AuditEntryRecord): Record<string, string> =>
  log === 'activity' ? activityKeys(parseActivity(r)) : signInKeys(parseSignIn(r));

/**
 * Checks one row against its predecessor in its lane, in the order that names the cause best: a
 * lane_seq gap means rows were deleted; a prev-hash that is not the predecessor's hash means a row
 * was put in between; a hash that does not cover the row's own content (or filter columns that do
 * not match it) means the row was edited.
 */
function checkRow(log: AuditLogName, r: AuditEntryRecord, prevSeq: number, prevHash: string): Broken | undefined {
  const at = { lane: r.lane, seq: r.laneSeq };
  const row = `row ${r.laneSeq} of lane ${r.lane} (seq ${r.seq})`;
  if (r.laneSeq !== prevSeq + 1)
    return { ...at, kind: 'deleted', reason: `rows ${prevSeq + 1}…${r.laneSeq - 1} of lane ${r.lane} are missing` };
  if (r.prevHash !== prevHash)
    return {
      ...at,
      kind: 'inserted',
      reason: `${row} does not follow row ${prevSeq}: a row was inserted before it (or rows were renumbered)`,
    };
  if (r.hash !== chainHash(prevHash, r.seq, r.at, r.data))
    return { ...at, kind: 'edited', reason: `${row}: its content does not match its hash` };
  let keys: Record<string, string>;
  try {
    keys = keysOf(log, r);
  } catch {
    return { ...at, kind: 'edited', reason: `${row}: its data is not valid JSON` };
  }
  // Key columns hold text as stored (storableText); old SQLite rows may still hold the raw form.
  const stored = (k: string) => (r.keys[k] === undefined ? undefined : storableText(r.keys[k]!));
  const bad = Object.keys(keys).find((k) => storableText(keys[k]!) !== stored(k));
  return bad
    ? { ...at, kind: 'edited', reason: `${row}: its column ${bad} does not match its hashed data` }
    : undefined;
}

/** The lane's tip against the last row walked: rows past the head were added around the log; a different hash, an edit. */
function endOfLane(head: AuditHeadRecord, seq: number, hash: string): Broken | undefined {
  const lane = head.lane;
  if (head.seq < seq)
    return {
      lane,
      seq: head.seq + 1,
      kind: 'inserted',
      reason: `rows after ${head.seq} of lane ${lane} were added without going through the log (its head ends at ${head.seq})`,
    };
  if (head.hash !== hash)
    return { lane, seq, kind: 'edited', reason: `the last row of lane ${lane}: its hash does not match the head` };
  return undefined;
}

interface Walk {
  lane: number;
  seq: number;
  hash: string;
  rows: number;
}

/** Checks a page of rows from where `w` stands, moving it on; the first break, if any. */
function checkPage(log: AuditLogName, w: Walk, page: readonly AuditEntryRecord[]): Broken | undefined {
  for (const r of page) {
    const broken = checkRow(log, r, w.seq, w.hash);
    if (broken) return broken;
    [w.seq, w.hash, w.rows] = [r.laneSeq, r.hash, w.rows + 1];
  }
  return undefined;
}

/**
 * Walks one lane from its checkpoint (or from `o.from`, unless retention moved the checkpoint past
 * it) to its head, following appends made meanwhile; pauses once `o.stopAt` rows are counted.
 */
export async function walkLane(
  repos: StoreRepos,
  log: AuditLogName,
  start: AuditHeadRecord,
  o: { from?: { seq: number; hash: string } | undefined; rows: number; stopAt: number; pageSize: number },
): Promise<LaneWalk> {
  const resume = o.from !== undefined && o.from.seq >= start.baseSeq;
  const w: Walk = {
    lane: start.lane,
    ...(resume ? o.from! : { seq: start.baseSeq, hash: start.baseHash }),
    rows: o.rows,
  };
  let headSeq = start.seq;
  for (;;) {
    const page = await repos.audit.scanLane(log, w.lane, w.seq, o.pageSize);
    // Head and rows commit together, so rows up to a head already read must be there.
    if (page.length === 0 && headSeq > w.seq) {
      const reason = `the head of lane ${w.lane} says ${headSeq} rows, the lane ends at ${w.seq}: the last rows were deleted`;
      return { end: 'broken', rows: w.rows, broken: { lane: w.lane, seq: w.seq + 1, kind: 'deleted', reason } };
    }
    const broken = checkPage(log, w, page);
    if (broken) return { end: 'broken', rows: w.rows, broken };
    if (page.length === o.pageSize) {
      if (w.rows >= o.stopAt) return { end: 'paused', rows: w.rows, seq: w.seq, hash: w.hash };
      continue;
    }
    // The head is read after the scan: an append that landed meanwhile moves it past us (scan on).
    const head = (await repos.audit.heads(log)).find((h) => h.lane === w.lane);
    if (!head) {
      const reason = `lane ${w.lane} has rows but no head any more: its head was deleted`;
      return { end: 'broken', rows: w.rows, broken: { lane: w.lane, seq: 0, kind: 'deleted', reason } };
    }
    headSeq = head.seq;
    if (head.seq > w.seq) continue;
    const end = endOfLane(head, w.seq, w.hash);
    return end ? { end: 'broken', rows: w.rows, broken: end } : { end: 'done', rows: w.rows };
  }
}
