import { invalid } from '../../kernel/errors.js';
import type { AuditAppend, AuditQuery, AuditRepo, SignInUsageQuery, SignInUsageRow } from '../audit-repo.js';
import type { AuditEntryRecord, AuditHeadRecord, AuditLogName } from '../records.js';
import type { Page } from '../store.js';
import type { AuditLanes } from './audit-lanes.js';
import { chainRows, column, insertRows, TABLES, toRecord, type Row } from './audit-rows.js';
import type { Executor } from './executor.js';
import { checkLimit, Params } from './paging.js';

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
  constructor(
    private readonly db: Executor,
    private readonly lanes: AuditLanes,
  ) {}

  async append(log: AuditLogName, entries: readonly AuditAppend[]): Promise<void> {
    if (entries.length === 0) return;
    // The lane first: on PostgreSQL it is locked until commit, so its tip cannot move under us,
    // while other transactions append to other lanes (docs/audit.md "Tamper evidence").
    const head = await this.lanes.claim(this.db, log);
    const seqs = await this.lanes.nextSeqs(this.db, log, entries.length);
    const { rows, tip } = chainRows(log, head, seqs, entries);
    await insertRows(this.db, log, this.lanes.maxParams, rows);
    await this.db.run('UPDATE audit_heads SET seq = $1, hash = $2 WHERE log = $3 AND lane = $4', [
      tip.seq,
      tip.hash,
      log,
      tip.lane,
    ]);
  }

  async query(log: AuditLogName, q: AuditQuery, limit: number, after?: string): Promise<Page<AuditEntryRecord>> {
    checkLimit(limit);
    const p = new Params();
    const where = queryWhere(log, p, q, after);
    const rows = await this.db.all<Row>(
      `SELECT * FROM ${TABLES[log].table} WHERE ${where} ORDER BY seq DESC LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    const items = rows.slice(0, limit).map((r) => toRecord(log, r));
    const last = items[items.length - 1];
    return rows.length > limit && last ? { items, next: String(last.seq) } : { items };
  }

  async scan(log: AuditLogName, afterSeq: number, limit: number): Promise<AuditEntryRecord[]> {
    const rows = await this.db.all<Row>(`SELECT * FROM ${TABLES[log].table} WHERE seq > $1 ORDER BY seq LIMIT $2`, [
      afterSeq,
      limit,
    ]);
    return rows.map((r) => toRecord(log, r));
  }

  async scanLane(log: AuditLogName, lane: number, afterLaneSeq: number, limit: number): Promise<AuditEntryRecord[]> {
    const rows = await this.db.all<Row>(
      `SELECT * FROM ${TABLES[log].table} WHERE lane = $1 AND lane_seq > $2 ORDER BY lane_seq LIMIT $3`,
      [lane, afterLaneSeq, limit],
    );
    return rows.map((r) => toRecord(log, r));
  }

  async heads(log: AuditLogName): Promise<AuditHeadRecord[]> {
    const rows = await this.db.all<{ lane: number; seq: number; hash: string; base_seq: number; base_hash: string }>(
      'SELECT lane, seq, hash, base_seq, base_hash FROM audit_heads WHERE log = $1 ORDER BY lane',
      [log],
    );
    return rows.map((r) => ({ lane: r.lane, seq: r.seq, hash: r.hash, baseSeq: r.base_seq, baseHash: r.base_hash }));
  }

  async rowOutsideLanes(log: AuditLogName, lanes: number): Promise<AuditEntryRecord | undefined> {
    const r = await this.db.get<Row>(
      `SELECT * FROM ${TABLES[log].table} WHERE lane >= $1 OR lane < 0 ORDER BY lane, lane_seq LIMIT 1`,
      [lanes],
    );
    return r && toRecord(log, r);
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
    let deleted = 0;
    for (const h of await this.heads(log)) deleted += await this.pruneLane(log, h.lane, before);
    return deleted;
  }

  private async pruneLane(log: AuditLogName, lane: number, before: number): Promise<number> {
    const { table } = TABLES[log];
    // Waits for an append holding the lane; appends meanwhile take other lanes.
    await this.db.run('UPDATE audit_heads SET seq = seq WHERE log = $1 AND lane = $2', [log, lane]);
    // A lane_seq prefix, so the lane stays contiguous: rows appended out of time order by a few ms stay until the prefix passes them.
    const last = await this.db.get<{ lane_seq: number; hash: string }>(
      `SELECT lane_seq, hash FROM ${table} WHERE lane = $1 AND (lane_seq = (SELECT MIN(lane_seq) FROM ${table} WHERE lane = $1 AND at >= $2) - 1 OR (lane_seq = (SELECT MAX(lane_seq) FROM ${table} WHERE lane = $1) AND NOT EXISTS (SELECT 1 FROM ${table} WHERE lane = $1 AND at >= $2)))`,
      [lane, before],
    );
    if (!last) return 0;
    const { changes } = await this.db.run(`DELETE FROM ${table} WHERE lane = $1 AND lane_seq <= $2`, [
      lane,
      last.lane_seq,
    ]);
    await this.db.run('UPDATE audit_heads SET base_seq = $1, base_hash = $2 WHERE log = $3 AND lane = $4', [
      last.lane_seq,
      last.hash,
      log,
      lane,
    ]);
    return changes;
  }
}
