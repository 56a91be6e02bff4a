import { invalid } from '../../kernel/errors.js';
import { decodeCursor, encodeCursor } from '../listing-cursor.js';
import type { Page, ResourceListing } from '../store.js';
import { lookupKey } from './columns.js';
import type { Executor, SqlValue } from './executor.js';

export { decodeCursor, encodeCursor };

/** Collects parameters and hands out their `$n` placeholders, so numbering stays contiguous. */
export class Params {
  readonly values: SqlValue[] = [];

  add(value: SqlValue): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1) throw invalid(`Page size must be a positive integer, got ${limit}`);
}

/**
 * WHERE clause (without the keyword) selecting one page of an ARM resource table that has
 * subscription_key, resource_group_key, name_key and id_key columns, after `after`.
 * Extra conditions (e.g. a type filter) are added by the caller through `extra`.
 */
export function listingWhere(
  p: Params,
  where: ResourceListing,
  after: string | undefined,
  extra: string[] = [],
): string {
  const conds = [`subscription_key = ${p.add(lookupKey(where.subscriptionId))}`];
  if (where.resourceGroup !== undefined) conds.push(`resource_group_key = ${p.add(lookupKey(where.resourceGroup))}`);
  conds.push(...extra);
  if (after !== undefined) {
    const [nameKey, idKey] = decodeCursor(after);
    conds.push(`(name_key, id_key) > (${p.add(nameKey)}, ${p.add(idKey)})`);
  }
  return conds.join(' AND ');
}

/** Turns `limit + 1` fetched rows into a page; `next` only when the extra row exists. */
export function toPage<R, T>(rows: readonly R[], limit: number, map: (r: R) => T, cursor: (r: R) => string): Page<T> {
  const page = rows.slice(0, limit);
  const last = page[page.length - 1];
  const items = page.map(map);
  return rows.length > limit && last !== undefined ? { items, next: cursor(last) } : { items };
}

/** A table of ARM resources with the listing columns (subscription_key, resource_group_key, name_key, id_key). */
export interface ResourceTable<R extends { name_key: string; id_key: string }, T> {
  table: string;
  columns: string;
  toRecord: (r: R) => T;
}

/** One keyset page of an ARM resource table, ordered by (name_key, id_key); one extra row tells whether more exist. */
export async function listResources<R extends { name_key: string; id_key: string }, T>(
  db: Executor,
  t: ResourceTable<R, T>,
  where: ResourceListing,
  limit: number,
  after: string | undefined,
): Promise<Page<T>> {
  checkLimit(limit);
  const p = new Params();
  const cond = listingWhere(p, where, after);
  const rows = await db.all<R>(
    `SELECT ${t.columns} FROM ${t.table} WHERE ${cond} ORDER BY name_key, id_key LIMIT ${p.add(limit + 1)}`,
    p.values,
  );
  return toPage(rows, limit, t.toRecord, (r) => encodeCursor(r.name_key, r.id_key));
}

/** One row of an ARM resource table by a lower-cased key column (id_key, name_key, client_id_key …). */
export async function getResourceBy<R extends { name_key: string; id_key: string }, T>(
  db: Executor,
  t: ResourceTable<R, T>,
  column: string,
  value: string,
): Promise<T | undefined> {
  const row = await db.get<R>(`SELECT ${t.columns} FROM ${t.table} WHERE ${column} = $1`, [lookupKey(value)]);
  return row && t.toRecord(row);
}
