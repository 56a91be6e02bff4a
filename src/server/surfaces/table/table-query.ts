import type { EntityKey, EntityRecord, TableRecord } from '../../../store/tables.js';
import type { Store } from '../../../store/store.js';
import { StorageError } from '../blob/blob-errors.js';
import { propertyValue } from './entity-values.js';
import { FilterError, parseFilter, type Filter } from './odata-filter.js';

/** Azure returns at most 1,000 entities per page; a page may hold fewer, with a continuation. */
export const MAX_TOP = 1000;

export interface QueryOptions {
  filter: Filter;
  top: number;
  select: string[] | undefined;
}

export function queryOptions(q: URLSearchParams): QueryOptions {
  let filter: Filter = () => true;
  const text = q.get('$filter');
  try {
    if (text) filter = parseFilter(text);
  } catch (e) {
    if (e instanceof FilterError) throw new StorageError('InvalidInput', `The query filter is not valid: ${e.message}`);
    throw e;
  }
  const topText = q.get('$top');
  const top = topText === null ? MAX_TOP : Number(topText);
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP)
    throw new StorageError('InvalidInput', `$top must be between 1 and ${MAX_TOP}.`);
  const select = q
    .get('$select')
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return { filter, top, select: select?.length ? select : undefined };
}

/** Continuation values are opaque to clients; base64url keeps any key safe in a header. */
export const encodeToken = (s: string): string => Buffer.from(s, 'utf8').toString('base64url');
export const decodeToken = (s: string | null): string | undefined =>
  s === null || s === '' ? undefined : Buffer.from(s, 'base64url').toString('utf8');

/**
 * One page: scans up to MAX_TOP rows from `scan` (which fetches `limit` rows from a cursor), keeps
 * those the filter takes, up to `top`; `next` is the first row not looked at.
 */
function page<R>(rows: R[], matches: (r: R) => boolean, top: number): { items: R[]; next: R | undefined } {
  const items: R[] = [];
  for (let i = 0; i < Math.min(rows.length, MAX_TOP); i++) {
    if (matches(rows[i]!)) items.push(rows[i]!);
    if (items.length === top) return { items, next: rows[i + 1] };
  }
  return { items, next: rows[MAX_TOP] };
}

export async function queryEntities(
  store: Store,
  account: string,
  table: string,
  o: QueryOptions,
  from: EntityKey | undefined,
  range: (k: EntityKey) => boolean = () => true,
): Promise<{ items: EntityRecord[]; next: EntityKey | undefined }> {
  const rows = await store.tables.scanEntities(account, table, MAX_TOP + 1, from);
  return page(rows, (e) => range(e) && o.filter((n) => propertyValue(e, n)), o.top);
}

export async function queryTables(
  store: Store,
  account: string,
  o: QueryOptions,
  from: string | undefined,
): Promise<{ items: TableRecord[]; next: TableRecord | undefined }> {
  const rows = await store.tables.listTables(account, MAX_TOP + 1, from);
  return page(rows, (t) => o.filter((n) => (n === 'TableName' ? { t: 'string', v: t.name } : undefined)), o.top);
}
