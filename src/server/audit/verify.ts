import type { AuditEntryRecord, AuditLogName } from '../../store/records.js';
import type { StoreRepos } from '../../store/store.js';
import { chainHash } from '../../store/sql/audit-chain.js';
import { storableText } from '../../store/sql/executor.js';
import { activityKeys, parseActivity } from './activity.js';
import { parseSignIn, signInKeys } from './sign-in-log.js';

export type ChainBreak = 'edited' | 'deleted' | 'inserted';

export interface VerifyResult {
  log: AuditLogName;
  ok: boolean;
  /** Rows checked (from the retention checkpoint to the head). */
  rows: number;
  /** First row where the chain breaks, what happened there, and why we think so. */
  broken?: { seq: number; kind: ChainBreak; reason: string };
}

const keysOf = (log: AuditLogName, r: AuditEntryRecord): Record<string, string> =>
  log === 'activity' ? activityKeys(parseActivity(r)) : signInKeys(parseSignIn(r));

/**
 * Checks one row against its predecessor, in the order that names the cause best: a seq gap
 * means rows were deleted; a prev-hash that is not the predecessor's hash means a row was put
 * in between; a hash that does not cover the row's own content (or filter columns that do not
 * match it) means the row was edited.
 */
function checkRow(log: AuditLogName, r: AuditEntryRecord, prevSeq: number, prevHash: string): VerifyResult['broken'] {
  if (r.seq !== prevSeq + 1)
    return { seq: r.seq, kind: 'deleted', reason: `rows ${prevSeq + 1}…${r.seq - 1} are missing` };
  if (r.prevHash !== prevHash)
    return {
      seq: r.seq,
      kind: 'inserted',
      reason: `row ${r.seq} does not follow row ${prevSeq}: a row was inserted before it (or rows were renumbered)`,
    };
  if (r.hash !== chainHash(prevHash, r.seq, r.at, r.data))
    return { seq: r.seq, kind: 'edited', reason: `row ${r.seq}'s content does not match its hash` };
  let keys: Record<string, string>;
  try {
    keys = keysOf(log, r);
  } catch {
    return { seq: r.seq, kind: 'edited', reason: `row ${r.seq}'s data is not valid JSON` };
  }
  // Key columns hold text as stored (storableText); old SQLite rows may still hold the raw form.
  const stored = (k: string) => (r.keys[k] === undefined ? undefined : storableText(r.keys[k]!));
  const bad = Object.keys(keys).find((k) => storableText(keys[k]!) !== stored(k));
  return bad
    ? { seq: r.seq, kind: 'edited', reason: `row ${r.seq}'s column ${bad} does not match its hashed data` }
    : undefined;
}

/** Where a chunked walk stopped: the last row checked, its hash, and how many rows were checked so far. */
export interface VerifyCursor {
  log: AuditLogName;
  seq: number;
  hash: string;
  rows: number;
}

/** Walks one log from its retention checkpoint to its head, following appends made meanwhile. */
export async function verifyLog(repos: StoreRepos, log: AuditLogName, pageSize = 1000): Promise<VerifyResult> {
  const r = await verifyLogChunk(repos, log, { pageSize });
  if ('ok' in r) return r;
  throw new Error('unreachable: an unbounded walk always finishes');
}

/**
 * One bounded piece of the walk: from `from` (or the checkpoint), at most about `maxRows` rows,
 * then a cursor to go on from; a log of millions of rows is verified over several calls (and
 * HTTP requests), each quick, in constant memory. A cursor behind a checkpoint that retention
 * moved meanwhile starts again at the checkpoint: the rows it would have checked are gone by design.
 */
export async function verifyLogChunk(
  repos: StoreRepos,
  log: AuditLogName,
  o: { from?: VerifyCursor; maxRows?: number; pageSize?: number },
): Promise<VerifyResult | VerifyCursor> {
  const pageSize = o.pageSize ?? 1000;
  const start = await repos.audit.head(log);
  const resume = o.from !== undefined && o.from.seq >= start.baseSeq;
  let [seq, hash, rows] = resume ? [o.from!.seq, o.from!.hash, o.from!.rows] : [start.baseSeq, start.baseHash, 0];
  const stopAt = rows + (o.maxRows ?? Infinity);
  let headSeq = start.seq;
  for (;;) {
    const batch = await repos.audit.scan(log, seq, pageSize);
    // Head and rows commit together, so rows up to a head already read must be there.
    if (batch.length === 0 && headSeq > seq)
      return {
        log,
        ok: false,
        rows,
        broken: {
          seq: seq + 1,
          kind: 'deleted',
          reason: `the head says ${headSeq} rows, the log ends at ${seq}: the last rows were deleted`,
        },
      };
    for (const r of batch) {
      const broken = checkRow(log, r, seq, hash);
      if (broken) return { log, ok: false, rows, broken };
      [seq, hash, rows] = [r.seq, r.hash, rows + 1];
    }
    if (batch.length === pageSize) {
      if (rows >= stopAt) return { log, seq, hash, rows };
      continue;
    }
    // The head is read after the scan: an append that landed meanwhile moves it past us (scan on).
    const head = await repos.audit.head(log);
    headSeq = head.seq;
    if (head.seq > seq) continue;
    return endOfLog(log, head, seq, hash, rows);
  }
}

function endOfLog(
  log: AuditLogName,
  head: { seq: number; hash: string },
  seq: number,
  hash: string,
  rows: number,
): VerifyResult {
  if (head.seq < seq)
    return {
      log,
      ok: false,
      rows,
      broken: {
        seq: head.seq + 1,
        kind: 'inserted',
        reason: `rows after ${head.seq} were added without going through the log (the head ends at ${head.seq})`,
      },
    };
  if (head.hash !== hash)
    return {
      log,
      ok: false,
      rows,
      broken: { seq, kind: 'edited', reason: "the last row's hash does not match the head" },
    };
  return { log, ok: true, rows };
}
