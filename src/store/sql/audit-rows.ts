import { invalid } from '../../kernel/errors.js';
import type { AuditAppend } from '../audit-repo.js';
import type { AuditEntryRecord, AuditLogName } from '../records.js';
import { chainHash } from './audit-chain.js';
import type { LaneHead } from './audit-lanes.js';
import type { Executor, SqlValue } from './executor.js';

/**
 * Each log's table and filter columns; column names in SQL come only from here. `defaults` fill a
 * column an append leaves out (`requests` and `last_at`, integers, cannot take the '' other columns get).
 */
export const TABLES: Record<
  AuditLogName,
  { table: string; keys: readonly string[]; defaults: Record<string, (e: AuditAppend) => string> }
> = {
  activity: {
    table: 'activity_log',
    keys: ['subscription_key', 'resource_group_key', 'resource_key', 'correlation_key', 'caller_key'],
    defaults: {},
  },
  signIns: {
    table: 'sign_in_log',
    keys: [
      'principal_key',
      'client_key',
      'identity_key',
      'calling_key',
      'result',
      'correlation_key',
      'requests',
      'last_at',
      'flow',
      'error_code',
      'id_key',
    ],
    defaults: { requests: () => '1', last_at: (e) => String(e.at) },
  },
};

export type Row = Record<string, string | number> & {
  seq: number;
  lane: number;
  lane_seq: number;
  at: number;
  data: string;
  prev_hash: string;
  hash: string;
};

export function toRecord(log: AuditLogName, r: Row): AuditEntryRecord {
  return {
    seq: r.seq,
    lane: r.lane,
    laneSeq: r.lane_seq,
    at: r.at,
    data: r.data,
    keys: Object.fromEntries(TABLES[log].keys.map((k) => [k, String(r[k])])),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

export function column(log: AuditLogName, name: string): string {
  if (!TABLES[log].keys.includes(name)) throw invalid(`'${name}' is not a filter column of the ${log} log`);
  return name;
}

/** The column values of `entries` appended after `head` with the given global seqs, and the lane's new tip. */
export function chainRows(
  log: AuditLogName,
  head: LaneHead,
  seqs: readonly number[],
  entries: readonly AuditAppend[],
): { rows: SqlValue[][]; tip: LaneHead } {
  const { keys, defaults } = TABLES[log];
  let { seq: laneSeq, hash } = head;
  const rows = entries.map((e, i) => {
    const seq = seqs[i]!;
    const next = chainHash(hash, seq, e.at, e.data);
    laneSeq += 1;
    const row = [
      seq,
      head.lane,
      laneSeq,
      e.at,
      ...keys.map((k) => e.keys[k] ?? defaults[k]?.(e) ?? ''),
      e.data,
      hash,
      next,
    ];
    hash = next;
    return row;
  });
  return { rows, tip: { lane: head.lane, seq: laneSeq, hash } };
}

/**
 * One multi-row INSERT per chunk: each chunk carries as many rows as fit in `maxParams` bind
 * parameters, so a batch of the group-commit writer (500 rows) is one statement, one round trip.
 */
export async function insertRows(
  db: Executor,
  log: AuditLogName,
  maxParams: number,
  rows: readonly SqlValue[][],
): Promise<void> {
  const { table, keys } = TABLES[log];
  const cols = ['seq', 'lane', 'lane_seq', 'at', ...keys, 'data', 'prev_hash', 'hash'];
  const perStatement = Math.floor(maxParams / cols.length);
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const values = chunk.map((_r, j) => `(${cols.map((_c, k) => `$${j * cols.length + k + 1}`).join(', ')})`);
    await db.run(`INSERT INTO ${table} (${cols.join(', ')}) VALUES ${values.join(', ')}`, chunk.flat());
  }
}
