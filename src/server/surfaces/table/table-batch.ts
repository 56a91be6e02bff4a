import type { Clock } from '../../../kernel/clock.js';
import type { Random } from '../../../kernel/ids.js';
import type { RequestContext } from '../../../kernel/http/context.js';
import { BodyTooLargeError, bodyRefusal, readBody } from '../../../kernel/http/body.js';
import { pathSegments, splitTarget } from '../../../kernel/http/path.js';
import type { Store } from '../../../store/store.js';
import type { EntityKey, EntityRecord, TableRepo } from '../../../store/tables.js';
import { StorageError, versionOf } from '../blob/blob-errors.js';
import { authorizeStorage, type StorageAuthDeps } from '../blob/storage-auth.js';
import { parseBatch, renderBatch, type SubRequest, type SubResponse } from './batch-multipart.js';
import { entityJson } from './entity-values.js';
import { deleteEntity, insertEntity, recordOf, writeEntity } from './entity-writes.js';
import { classifyTable, type TableOperation } from './table-operations.js';

/** Azure's limits for an entity group transaction: 100 operations, 4 MiB in all (performing-entity-group-transactions). */
const MAX_OPERATIONS = 100;
const MAX_BATCH_BYTES = 4 * 1024 * 1024;
const WRITES = new Set(['InsertEntity', 'UpdateEntity', 'MergeEntity', 'InsertOrReplaceEntity', 'InsertOrMergeEntity']);

export interface BatchDeps extends StorageAuthDeps {
  store: Store;
  clock: Clock;
  random: Random;
}

export interface BatchTarget {
  ctx: RequestContext;
  account: string;
  accountId: string;
  endpoint: string;
  /** The bearer caller, whose roles each operation needs; undefined under the account key. */
  principalId: string | undefined;
}

/** One operation of the change set, parsed and checked before anything is written. */
interface Planned {
  op: TableOperation & { table: string };
  key: EntityKey;
  record?: EntityRecord;
  ifMatch?: string;
  noContent: boolean;
}

/** A change set's failure: Azure answers it with one response whose message starts with the operation's index. */
class OperationFailed extends Error {
  constructor(
    readonly index: number,
    readonly error: StorageError,
  ) {
    super(error.message);
  }
}

async function at<T>(index: number, f: () => T | Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    throw e instanceof StorageError ? new OperationFailed(index, e) : e;
  }
}

/**
 * `POST /$batch`: the operations of one change set, on one table and one partition, each entity
 * once, applied in order in one store transaction, so all of them are written or none.
 */
export class TableBatch {
  constructor(private readonly d: BatchDeps) {}

  async handle(t: BatchTarget): Promise<void> {
    const requests = parseBatch(await this.body(t.ctx), headerOf(t.ctx, 'content-type'), MAX_OPERATIONS);
    let responses: SubResponse[];
    try {
      const plan: Planned[] = [];
      for (const [i, r] of requests.entries()) plan.push(await at(i, () => this.plan(t, r)));
      for (const [i, p] of plan.entries()) await at(i, () => checkGroup(plan, i, p));
      if (t.principalId !== undefined)
        for (const [i, p] of plan.entries()) await at(i, () => this.authorize(t, t.principalId!, p));
      responses = await this.d.store.tx(async (tx) => {
        const out: SubResponse[] = [];
        for (const [i, p] of plan.entries()) out.push(await at(i, () => this.apply(tx.tables, t, p)));
        return out;
      });
    } catch (e) {
      if (!(e instanceof OperationFailed)) throw e;
      responses = [this.failure(t, e)];
    }
    this.send(t, responses);
  }

  private async body(ctx: RequestContext): Promise<string> {
    try {
      return (await readBody(ctx.req, MAX_BATCH_BYTES)).toString('utf8');
    } catch (e) {
      if (e instanceof BodyTooLargeError)
        throw new StorageError('RequestBodyTooLarge', bodyRefusal(e, 'The batch request body exceeds 4 MiB.'));
      throw e;
    }
  }

  private plan(t: BatchTarget, r: SubRequest): Planned {
    let path: string;
    try {
      path = new URL(r.url, t.endpoint).pathname;
    } catch {
      throw new StorageError('InvalidInput', 'The operation has no valid URL.');
    }
    const ifMatch = r.headers['if-match'];
    const op = classifyTable(r.method, pathSegments(splitTarget(path).path), ifMatch === undefined ? {} : { ifMatch });
    if (op.table === undefined || (op.name !== 'DeleteEntity' && !WRITES.has(op.name)))
      throw new StorageError('InvalidInput', `The operation ${op.name} is not allowed in a change set.`);
    const noContent = /return-no-content/.test(r.headers['prefer'] ?? '');
    const base = { op: { ...op, table: op.table }, noContent, ...(ifMatch === undefined ? {} : { ifMatch }) };
    if (op.name === 'DeleteEntity') return { ...base, key: op.key! };
    const record = recordOf({ account: t.account, ...base.op }, parseJson(r.body), this.d.clock.now(), this.d.random);
    return { ...base, key: record, record };
  }

  private authorize(t: BatchTarget, principalId: string, p: Planned): Promise<void> {
    const scope = `${t.accountId}/tableServices/default/tables/${p.op.table}`;
    return authorizeStorage(this.d, principalId, { ...p.op, scope });
  }

  private async apply(repo: TableRepo, t: BatchTarget, p: Planned): Promise<SubResponse> {
    const table = await repo.getTable(t.account, p.op.table);
    if (!table) throw new StorageError('TableNotFound', 'The table specified does not exist.');
    const common = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache', DataServiceVersion: '1.0;' };
    if (!p.record) {
      await deleteEntity(repo, t.account, table.name, p.key, p.ifMatch);
      return { status: 204, headers: common };
    }
    const e = { ...p.record, table: table.name };
    const name = p.op.name;
    if (name !== 'InsertEntity') {
      await writeEntity(repo, e, name === 'MergeEntity' || name === 'InsertOrMergeEntity', p.ifMatch);
      return { status: 204, headers: { ...common, ETag: e.etag } };
    }
    await insertEntity(repo, e);
    const location = `${t.endpoint}${table.name}(PartitionKey='${quoteKey(e.partitionKey)}',RowKey='${quoteKey(e.rowKey)}')`;
    const where = { Location: location, DataServiceId: location, ETag: e.etag };
    if (p.noContent)
      return { status: 204, headers: { ...common, 'Preference-Applied': 'return-no-content', ...where } };
    const json = {
      'odata.metadata': `${t.endpoint}$metadata#${table.name}/@Element`,
      ...entityJson(e, 'minimalmetadata'),
    };
    const type = 'application/json;odata=minimalmetadata;streaming=true;charset=utf-8';
    return { status: 201, headers: { ...common, 'Content-Type': type, ...where }, body: JSON.stringify(json) };
  }

  /** Azure's form: the index of the failing operation, a colon, then the error's message. */
  private failure(t: BatchTarget, f: OperationFailed): SubResponse {
    const value = `${f.index}:${f.error.message}\nRequestId:${t.ctx.requestId}\nTime:${new Date(this.d.clock.now()).toISOString()}`;
    const body = JSON.stringify({ 'odata.error': { code: f.error.code, message: { lang: 'en-US', value } } });
    const type = 'application/json;odata=minimalmetadata;streaming=true;charset=utf-8';
    const headers = { 'X-Content-Type-Options': 'nosniff', 'Cache-Control': 'no-cache', DataServiceVersion: '3.0;' };
    return { status: f.error.status, headers: { ...headers, 'Content-Type': type }, body };
  }

  private send(t: BatchTarget, responses: SubResponse[]): void {
    const [batchId, changesetId] = [this.d.random.bytes(16).toString('hex'), this.d.random.bytes(16).toString('hex')];
    const body = renderBatch(batchId, changesetId, responses);
    t.ctx.res.writeHead(202, {
      'content-type': `multipart/mixed; boundary=batchresponse_${batchId}`,
      'content-length': String(Buffer.byteLength(body)),
      'cache-control': 'no-cache',
      'x-ms-request-id': t.ctx.requestId,
      'x-ms-version': versionOf(t.ctx),
      date: new Date(this.d.clock.now()).toUTCString(),
    });
    t.ctx.res.end(body);
  }
}

/** Azure's rules: one table, one PartitionKey, and each entity at most once in a change set. */
function checkGroup(plan: Planned[], i: number, p: Planned): void {
  const first = plan[0]!;
  if (p.op.table.toLowerCase() !== first.op.table.toLowerCase())
    throw new StorageError('InvalidInput', 'All operations of a change set must be on the same table.');
  if (p.key.partitionKey !== first.key.partitionKey)
    throw new StorageError(
      'CommandsInBatchActOnDifferentPartitions',
      'All commands in a batch must operate on same entity group.',
    );
  if (plan.slice(0, i).some((q) => q.key.rowKey === p.key.rowKey))
    throw new StorageError(
      'InvalidDuplicateRow',
      'The batch request contains multiple changes with same row key. An entity can appear only once in a batch request.',
    );
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    throw new StorageError('InvalidInput', 'The operation body is not valid JSON.');
  }
}

/** Keys in an address double their quotes and are percent-encoded, so no brace or line break reaches the response. */
const quoteKey = (k: string) => encodeURIComponent(k.replace(/'/g, "''"));

const headerOf = (ctx: RequestContext, name: string): string | undefined => {
  const v = ctx.req.headers[name];
  return typeof v === 'string' ? v : undefined;
};
