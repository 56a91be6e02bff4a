import type { Clock } from '../../../kernel/clock.js';
import type { Random } from '../../../kernel/ids.js';
import type { RequestContext } from '../../../kernel/http/context.js';
import { BodyTooLargeError, bodyRefusal, readBody } from '../../../kernel/http/body.js';
import { isDomainError } from '../../../kernel/errors.js';
import type { Store } from '../../../store/store.js';
import type { EntityKey, EntityRecord } from '../../../store/tables.js';
import { StorageError, versionOf } from '../blob/blob-errors.js';
import { entityJson, type MetadataLevel } from './entity-values.js';
import { deleteEntity, insertEntity, notFound, recordOf, writeEntity } from './entity-writes.js';
import type { TableOperation } from './table-operations.js';
import { checkKeyRange } from './table-sas.js';
import { TABLE_NAME } from '../../storage-accounts/account-children.js';
import { decodeToken, encodeToken, queryEntities, queryOptions, queryTables } from './table-query.js';

/** Azure's limit: an entity is at most 1 MiB (table names: account-children.ts). */
const MAX_BODY_BYTES = 1024 * 1024;

export interface TableTarget {
  ctx: RequestContext;
  op: TableOperation;
  account: string;
  endpoint: string;
  /** A table service SAS's key range: entities outside it are neither written nor listed. */
  range?: ((k: EntityKey) => boolean) | undefined;
}

const levelOf = (t: TableTarget): MetadataLevel => {
  const spec = `${t.ctx.query.get('$format') ?? ''} ${String(t.ctx.req.headers.accept ?? '')}`;
  const m = /odata=(nometadata|minimalmetadata|fullmetadata)/.exec(spec);
  return (m?.[1] as MetadataLevel | undefined) ?? 'minimalmetadata';
};
const noContent = (t: TableTarget) => /return-no-content/.test(String(t.ctx.req.headers.prefer ?? ''));
const ifMatch = (t: TableTarget): string | undefined => {
  const v = t.ctx.req.headers['if-match'];
  return typeof v === 'string' ? v : undefined;
};

export class TableHandlers {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly random: Random,
  ) {}

  handle(t: TableTarget): Promise<void> {
    return this[t.op.name](t);
  }

  private send(t: TableTarget, status: number, headers: Record<string, string>, json?: unknown): void {
    const body = json === undefined ? '' : JSON.stringify(json);
    t.ctx.res.writeHead(status, {
      'x-ms-request-id': t.ctx.requestId,
      'x-ms-version': versionOf(t.ctx),
      date: new Date(this.clock.now()).toUTCString(),
      'content-length': String(Buffer.byteLength(body)),
      ...(body ? { 'content-type': `application/json;odata=${levelOf(t)};streaming=true;charset=utf-8` } : {}),
      ...headers,
    });
    t.ctx.res.end(body);
  }

  private async json(t: TableTarget): Promise<unknown> {
    let raw: Buffer;
    try {
      raw = await readBody(t.ctx.req, MAX_BODY_BYTES);
    } catch (e) {
      if (e instanceof BodyTooLargeError)
        throw new StorageError('RequestBodyTooLarge', bodyRefusal(e, 'The entity exceeds 1 MiB.'));
      throw e;
    }
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch {
      throw new StorageError('InvalidInput', 'The request body is not valid JSON.');
    }
  }

  private async table(t: TableTarget): Promise<string> {
    const table = await this.store.tables.getTable(t.account, t.op.table!);
    if (!table) throw new StorageError('TableNotFound', 'The table specified does not exist.');
    return table.name;
  }

  private async CreateTable(t: TableTarget): Promise<void> {
    const name = (await this.json(t)) as { TableName?: unknown } | null;
    const tableName = typeof name?.TableName === 'string' ? name.TableName : '';
    if (!TABLE_NAME.test(tableName) || tableName.toLowerCase() === 'tables')
      throw new StorageError('InvalidResourceName', 'The specifed resource name contains invalid characters.');
    try {
      await this.store.tables.createTable({ account: t.account, name: tableName, createdAt: this.clock.now() });
    } catch (e) {
      if (isDomainError(e) && e.kind === 'conflict')
        throw new StorageError('TableAlreadyExists', 'The table specified already exists.');
      throw e;
    }
    if (noContent(t)) return this.send(t, 204, { 'preference-applied': 'return-no-content' });
    this.send(t, 201, {}, { 'odata.metadata': `${t.endpoint}$metadata#Tables/@Element`, TableName: tableName });
  }

  private async QueryTables(t: TableTarget): Promise<void> {
    const o = queryOptions(t.ctx.query);
    const { items, next } = await queryTables(this.store, t.account, o, decodeToken(t.ctx.query.get('NextTableName')));
    const headers: Record<string, string> = next ? { 'x-ms-continuation-NextTableName': encodeToken(next.name) } : {};
    const value = items.map((x) => ({ TableName: x.name }));
    this.send(t, 200, headers, { 'odata.metadata': `${t.endpoint}$metadata#Tables`, value });
  }

  private async DeleteTable(t: TableTarget): Promise<void> {
    if (!(await this.store.tables.deleteTable(t.account, t.op.table!))) throw notFound();
    this.send(t, 204, {});
  }

  private async bodyEntity(t: TableTarget, table: string): Promise<EntityRecord> {
    const where = { account: t.account, table, key: t.op.key };
    return recordOf(where, await this.json(t), this.clock.now(), this.random);
  }

  private async InsertEntity(t: TableTarget): Promise<void> {
    const table = await this.table(t);
    const e = await this.bodyEntity(t, table);
    checkKeyRange(t.range, e);
    await insertEntity(this.store.tables, e);
    if (noContent(t)) return this.send(t, 204, { etag: e.etag, 'preference-applied': 'return-no-content' });
    const metadata = { 'odata.metadata': `${t.endpoint}$metadata#${table}/@Element` };
    this.send(t, 201, { etag: e.etag }, { ...metadata, ...entityJson(e, levelOf(t)) });
  }

  private async GetEntity(t: TableTarget): Promise<void> {
    const table = await this.table(t);
    const e = await this.store.tables.getEntity(t.account, table, t.op.key!);
    if (!e) throw notFound();
    const o = queryOptions(t.ctx.query);
    const metadata = { 'odata.metadata': `${t.endpoint}$metadata#${table}/@Element` };
    this.send(t, 200, { etag: e.etag }, { ...metadata, ...entityJson(e, levelOf(t), o.select) });
  }

  private async QueryEntities(t: TableTarget): Promise<void> {
    const table = await this.table(t);
    const o = queryOptions(t.ctx.query);
    const [pk, rk] = [decodeToken(t.ctx.query.get('NextPartitionKey')), decodeToken(t.ctx.query.get('NextRowKey'))];
    const from = pk === undefined ? undefined : { partitionKey: pk, rowKey: rk ?? '' };
    const { items, next } = await queryEntities(this.store, t.account, table, o, from, t.range);
    const headers: Record<string, string> = next
      ? {
          'x-ms-continuation-NextPartitionKey': encodeToken(next.partitionKey),
          'x-ms-continuation-NextRowKey': encodeToken(next.rowKey),
        }
      : {};
    const value = items.map((e) => entityJson(e, levelOf(t), o.select));
    this.send(t, 200, headers, { 'odata.metadata': `${t.endpoint}$metadata#${table}`, value });
  }

  /** Update and Merge need the entity (entity-writes.ts); the upserts create it. */
  private async write(t: TableTarget, merge: boolean): Promise<void> {
    const table = await this.table(t);
    const e = await this.bodyEntity(t, table);
    await writeEntity(this.store.tables, e, merge, ifMatch(t));
    this.send(t, 204, { etag: e.etag });
  }

  private UpdateEntity = (t: TableTarget) => this.write(t, false);
  private InsertOrReplaceEntity = (t: TableTarget) => this.write(t, false);
  private MergeEntity = (t: TableTarget) => this.write(t, true);
  private InsertOrMergeEntity = (t: TableTarget) => this.write(t, true);

  private async DeleteEntity(t: TableTarget): Promise<void> {
    const table = await this.table(t);
    await deleteEntity(this.store.tables, t.account, table, t.op.key!, ifMatch(t));
    this.send(t, 204, {});
  }
}
