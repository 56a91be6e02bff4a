import { invalid } from '../../kernel/errors.js';
import type { AuditAppend, AuditQuery, AuditRepo, SignInUsageQuery, SignInUsageRow } from '../audit-repo.js';
import type { AuditEntryRecord, AuditHeadRecord, AuditLogName } from '../records.js';
import type { Page } from '../store.js';
import { chainHash } from './audit-chain.js';
import type { Executor } from './executor.js';
import { checkLimit, Params } from './paging.js';

/**
 * Each log's table and filter columns; column names in SQL come only from here. `defaults` fill a
 * column an append leaves out (`requests` and `last_at`, integers, cannot take the '' other columns get).
 */
const TABLES: Record<
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

type Row = Record<string, string | number> & { seq: number; at: number; data: string; prev_hash: string; hash: string };

function toRecord(keys: readonly string[], r: Row): AuditEntryRecord {
  return {
    seq: r.seq,
    at: r.at,
    data: r.data,
    keys: Object.fromEntries(keys.map((k) => [k, String(r[k])])),
    prevHash: r.prev_hash,
    hash: r.hash,
  };
}

function column(log: AuditLogName, name: string): string {
  if (!TABLES[log].keys.includes(name)) throw invalid(`'${name}' is not a filter column of the ${log} log`);
  return name;
}

function queryWhere(log: AuditLogName, p: Params, q: AuditQuery, after: string | undefined): string {
  const conds = ['1 = 1'];
  if (q.from !== undefined) conds.push(`at >= ${p.add(q.from)}`);
  if (q.to !== undefined) conds.push(`at <= ${p.add(q.to)}`);
  for (const [k, v] of Object.entries(q.eq ?? {})) conds.push(`${column(log, k)} = ${p.add(v)}`);
  if (q.anyOf) {
    const v = p.add(q.anyOf.value);
    conds.push(`(${q.anyOf.columns.map((c) => `${column(log, c)} = ${v}`).join(' OR ')})`);
  }
  // An empty `in` list matches nothing and an empty `notIn` list everything, as in set terms.
  for (const [k, vs] of Object.entries(q.in ?? {}))
    conds.push(vs.length === 0 ? '1 = 0' : `${column(log, k)} IN (${vs.map((v) => p.add(v)).join(', ')})`);
  for (const [k, vs] of Object.entries(q.notIn ?? {}))
    if (vs.length > 0) conds.push(`${column(log, k)} NOT IN (${vs.map((v) => p.add(v)).join(', ')})`);
  if (after !== undefined) {
    const seq = Number(after);
    if (!Number.isSafeInteger(seq)) throw invalid('The continuation token is not valid', { target: '$skipToken' });
    conds.push(`seq < ${p.add(seq)}`);
  }
  return conds.join(' AND ');
}

export class SqlAuditRepo implements AuditRepo {
  constructor(private readonly db: Executor) {}

  async append(log: AuditLogName, entries: readonly AuditAppend[]): Promise<void> {
    if (entries.length === 0) return;
    const { table, keys, defaults } = TABLES[log];
    // A no-op UPDATE first: on PostgreSQL it row-locks the head until commit, so two
    // transactions appending at once take turns instead of both reading the same tip.
    await this.db.run('UPDATE audit_heads SET seq = seq WHERE log = $1', [log]);
    const head = await this.head(log);
    let { seq, hash } = head;
    const cols = ['seq', 'at', ...keys, 'data', 'prev_hash', 'hash'];
    const placeholders = cols.map((_c, i) => `$${i + 1}`).join(', ');
    for (const e of entries) {
      const next = chainHash(hash, seq + 1, e.at, e.data);
      await this.db.run(`INSERT INTO ${table} (${cols.join(', ')}) VALUES (${placeholders})`, [
        seq + 1,
        e.at,
        ...keys.map((k) => e.keys[k] ?? defaults[k]?.(e) ?? ''),
        e.data,
        hash,
        next,
      ]);
      seq += 1;
      hash = next;
    }
    await this.db.run('UPDATE audit_heads SET seq = $1, hash = $2 WHERE log = $3', [seq, hash, log]);
  }

  async query(log: AuditLogName, q: AuditQuery, limit: number, after?: string): Promise<Page<AuditEntryRecord>> {
    checkLimit(limit);
    const { table, keys } = TABLES[log];
    const p = new Params();
    const where = queryWhere(log, p, q, after);
    const rows = await this.db.all<Row>(
      `SELECT * FROM ${table} WHERE ${where} ORDER BY seq DESC LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    const items = rows.slice(0, limit).map((r) => toRecord(keys, r));
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, next: String(last.seq) } : { items };
  }

  async scan(log: AuditLogName, afterSeq: number, limit: number): Promise<AuditEntryRecord[]> {
    const { table, keys } = TABLES[log];
    const rows = await this.db.all<Row>(`SELECT * FROM ${table} WHERE seq > $1 ORDER BY seq LIMIT $2`, [
      afterSeq,
      limit,
    ]);
    return rows.map((r) => toRecord(keys, r));
  }

  async head(log: AuditLogName): Promise<AuditHeadRecord> {
    const r = await this.db.get<{ seq: number; hash: string; base_seq: number; base_hash: string }>(
      'SELECT seq, hash, base_seq, base_hash FROM audit_heads WHERE log = $1',
      [log],
    );
    if (!r) throw new Error(`audit_heads has no row for the ${log} log: the audit migration did not run`);
    return { seq: r.seq, hash: r.hash, baseSeq: r.base_seq, baseHash: r.base_hash };
  }

  async signInUsage(q: SignInUsageQuery): Promise<SignInUsageRow[]> {
    const p = new Params();
    const conds = ["identity_key <> ''"];
    if (q.identityKey !== undefined) conds.push(`identity_key = ${p.add(q.identityKey.toLowerCase())}`);
    if (q.identityPrefix !== undefined) {
      const prefix = q.identityPrefix.toLowerCase();
      conds.push(`substr(identity_key, 1, ${p.add(prefix.length)}) = ${p.add(prefix)}`);
    }
    if (q.from !== undefined) conds.push(`at >= ${p.add(q.from)}`);
    const rows = await this.db.all<{
      identity_key: string;
      calling_key: string;
      result: string;
      first: number | string;
      last: number | string;
      n: number | string;
    }>(
      `SELECT identity_key, calling_key, result, MIN(at) AS first, MAX(last_at) AS last, SUM(requests) AS n FROM sign_in_log WHERE ${conds.join(' AND ')} GROUP BY identity_key, calling_key, result ORDER BY identity_key, calling_key, result`,
      p.values,
    );
    return rows.map((r) => ({
      identityKey: r.identity_key,
      callingKey: r.calling_key,
      result: r.result,
      first: Number(r.first),
      last: Number(r.last),
      count: Number(r.n),
    }));
  }

  async prune(log: AuditLogName, before: number): Promise<number> {
    const { table } = TABLES[log];
    await this.db.run('UPDATE audit_heads SET seq = seq WHERE log = $1', [log]);
    // A seq prefix, so the chain stays contiguous: rows appended out of time order by a few ms stay until the prefix passes them.
    const last = await this.db.get<{ seq: number; hash: string }>(
      `SELECT seq, hash FROM ${table} WHERE seq = (SELECT MIN(seq) FROM ${table} WHERE at >= $1) - 1 OR (seq = (SELECT MAX(seq) FROM ${table}) AND NOT EXISTS (SELECT 1 FROM ${table} WHERE at >= $1))`,
      [before],
    );
    if (!last) return 0;
    const { changes } = await this.db.run(`DELETE FROM ${table} WHERE seq <= $1`, [last.seq]);
    await this.db.run('UPDATE audit_heads SET base_seq = $1, base_hash = $2 WHERE log = $3', [
      last.seq,
      last.hash,
      log,
    ]);
    return changes;
  }
}
