import { isDomainError } from '../../../kernel/errors.js';
import type { EntityKey, EntityRecord, TableRepo } from '../../../store/tables.js';
import type { Random } from '../../../kernel/ids.js';
import { StorageError } from '../blob/blob-errors.js';
import { entityOf } from './entity-values.js';

/**
 * The entity writes of the Table service, on any TableRepo: the store's for a single request,
 * a transaction's for an entity group transaction (table-batch.ts), so both follow one set of rules.
 */

export const notFound = () => new StorageError('ResourceNotFound', 'The specified resource does not exist.');
export const conditionFailed = () =>
  new StorageError('UpdateConditionNotSatisfied', 'The update condition specified in the request was not satisfied.');

export async function insertEntity(repo: TableRepo, e: EntityRecord): Promise<void> {
  try {
    await repo.insertEntity(e);
  } catch (err) {
    if (isDomainError(err) && err.kind === 'conflict')
      throw new StorageError('EntityAlreadyExists', 'The specified entity already exists.');
    throw err;
  }
}

/**
 * Update and Merge (an If-Match given) need the entity (404/412 otherwise); the upserts create it.
 * `*` matches any etag. Sets `e.properties` to what was stored (the merged set for a merge).
 */
export async function writeEntity(repo: TableRepo, e: EntityRecord, merge: boolean, condition?: string): Promise<void> {
  const current = await repo.getEntity(e.account, e.table, e);
  if (condition !== undefined) {
    if (!current) throw notFound();
    if (condition !== '*' && condition !== current.etag) throw conditionFailed();
  }
  if (merge && current) e.properties = mergeProperties(current.properties, e.properties);
  if (current) {
    // Conditional on the etag just read, so a concurrent writer in between makes this one fail.
    if (!(await repo.replaceEntity(e, current.etag))) throw conditionFailed();
  } else await repo.upsertEntity(e);
}

/** Delete Entity: If-Match is mandatory (`*` for any version). */
export async function deleteEntity(
  repo: TableRepo,
  account: string,
  table: string,
  key: EntityKey,
  condition: string | undefined,
): Promise<void> {
  if (condition === undefined)
    throw new StorageError(
      'MissingRequiredHeader',
      'An HTTP header that is mandatory for this request is not specified: If-Match.',
    );
  const current = await repo.getEntity(account, table, key);
  if (!current) throw notFound();
  if (condition !== '*' && condition !== current.etag) throw conditionFailed();
  if (!(await repo.deleteEntity(account, table, key, current.etag))) throw conditionFailed();
}

/** Merge keeps the old properties the body does not name; a property's annotation goes with it. */
function mergeProperties(old: Record<string, unknown>, update: Record<string, unknown>): Record<string, unknown> {
  const out = { ...old };
  for (const k of Object.keys(update)) if (!k.includes('@')) delete out[`${k}@odata.type`];
  return { ...out, ...update };
}

/** Azure's form, `W/"datetime'…'"`, with sub-millisecond digits drawn at random so two writes never share one. */
export function newEtag(random: Random, now: number): string {
  const digits = String(random.bytes(2).readUInt16BE() % 10000).padStart(4, '0');
  const iso = new Date(now).toISOString().replace('Z', `${digits}Z`);
  return `W/"datetime'${encodeURIComponent(iso)}'"`;
}

/** The record a write stores: the keys from the address when it has them, else from the body. */
export function recordOf(
  where: { account: string; table: string; key?: EntityKey | undefined },
  body: unknown,
  now: number,
  random: Random,
): EntityRecord {
  const e = entityOf(body);
  const key = where.key ?? e;
  if (key.partitionKey === undefined || key.rowKey === undefined)
    throw new StorageError('PropertiesNeedValue', 'The values are not specified for all properties in the entity.');
  return {
    account: where.account,
    table: where.table,
    partitionKey: key.partitionKey,
    rowKey: key.rowKey,
    properties: e.properties,
    etag: newEtag(random, now),
    updatedAt: now,
  };
}
