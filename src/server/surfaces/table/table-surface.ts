import type { Clock } from '../../../kernel/clock.js';
import type { Random } from '../../../kernel/ids.js';
import type { RequestContext, Surface } from '../../../kernel/http/context.js';
import type { Store } from '../../../store/store.js';
import { AZURE_TABLE_SUFFIX, labelUnder } from '../../../wire/azure-hosts.js';
import type { StorageAccountService } from '../../storage-accounts/accounts.js';
import { DataPlaneAuthError } from '../data-plane-auth/data-plane-auth.js';
import { StorageError, versionOf } from '../blob/blob-errors.js';
import { authenticateStorage, storageAuthError, type StorageAuthDeps } from '../blob/storage-auth.js';
import { TableBatch } from './table-batch.js';
import { TableHandlers } from './table-handlers.js';
import { classifyTable } from './table-operations.js';
import { sasKeyRange, tableSasNeed } from './table-sas.js';
import { verifySas } from '../blob/sas-verify.js';

/** A SAS's permissions and key range would have to hold for every operation of the change set; not built. */
const noBatchSas = (): never => {
  throw new StorageError(
    'AuthenticationFailed',
    'openmi does not take a SAS on an entity group transaction ($batch): use a bearer token or Shared Key (docs/data-planes.md).',
  );
};

export interface TableSurfaceDeps extends StorageAuthDeps {
  store: Store;
  clock: Clock;
  random: Random;
  accounts: StorageAccountService;
  zone: string;
}

/** `{"odata.error":{code, message:{lang, value}}}`, the Table service's JSON error envelope. */
function renderTableError(ctx: RequestContext, e: StorageError): void {
  const value = `${e.message}\nRequestId:${ctx.requestId}\nTime:${new Date().toISOString()}`;
  const body = JSON.stringify({ 'odata.error': { code: e.code, message: { lang: 'en-US', value } } });
  ctx.res.writeHead(e.status, {
    'content-type': 'application/json;odata=minimalmetadata;streaming=true;charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-ms-error-code': e.code,
    'x-ms-request-id': ctx.requestId,
    'x-ms-version': versionOf(ctx),
    ...e.headers,
  });
  ctx.res.end(body);
}

/**
 * The table service of every account at `{account}.table.{zone}` and `{account}.table.core.windows.net`
 * (docs/data-planes.md): the blob plane's host routing and authentication, JSON (OData) on the wire.
 */
export class TableSurface implements Surface {
  readonly name = 'storage-table';
  private readonly suffix: string;
  private readonly handlers: TableHandlers;
  private readonly batch: TableBatch;

  constructor(private readonly d: TableSurfaceDeps) {
    this.suffix = `.table.${d.zone.toLowerCase()}`;
    this.handlers = new TableHandlers(d.store, d.clock, d.random);
    this.batch = new TableBatch(d);
  }

  matches(ctx: RequestContext): boolean {
    return (
      labelUnder(ctx.hostname, this.suffix) !== undefined || labelUnder(ctx.hostname, AZURE_TABLE_SUFFIX) !== undefined
    );
  }

  async handle(ctx: RequestContext): Promise<void> {
    const local = labelUnder(ctx.hostname, this.suffix);
    const name = local ?? labelUnder(ctx.hostname, AZURE_TABLE_SUFFIX) ?? '';
    const resolved = await this.d.accounts.resolve(name);
    if (!resolved) throw new StorageError('ResourceNotFound', `The storage account '${name}' does not exist.`);
    const { record, keys } = resolved;
    // Azure's own names are reached on 443 (docs/clients.md#transparent-mode), whatever port openmi listens on.
    const port = local === undefined ? 443 : ctx.req.socket.localPort;
    const endpoint = `https://${ctx.hostname}${port && port !== 443 ? `:${port}` : ''}/`;
    if (ctx.method === 'POST' && ctx.segments.length === 1 && ctx.segments[0] === '$batch') {
      // Authenticated here; each operation of the change set is authorized on its own (table-batch.ts).
      const check = {
        actions: [],
        kind: 'dataAction' as const,
        scope: record.id,
        tableSharedKeyLite: true,
        sas: noBatchSas,
      };
      const principalId = await authenticateStorage(this.d, ctx, record, keys, check);
      return this.batch.handle({ ctx, account: record.name, accountId: record.id, endpoint, principalId });
    }
    const ifMatch = ctx.req.headers['if-match'];
    const op = classifyTable(ctx.method, ctx.segments, typeof ifMatch === 'string' ? { ifMatch } : {});
    const scope = op.table ? `${record.id}/tableServices/default/tables/${op.table}` : record.id;
    const ip = ctx.req.socket.remoteAddress ?? '';
    const sas = () => verifySas(ctx.query, tableSasNeed(op, record.name), record.name, keys, this.d.clock.now(), ip);
    await authenticateStorage(this.d, ctx, record, keys, { ...op, scope, sas, tableSharedKeyLite: true });
    await this.handlers.handle({ ctx, op, account: record.name, endpoint, range: sasKeyRange(ctx.query) });
  }

  renderError(ctx: RequestContext, err: unknown): void {
    if (err instanceof StorageError) return renderTableError(ctx, err);
    if (err instanceof DataPlaneAuthError) return renderTableError(ctx, storageAuthError(this.d, err));
    ctx.log.error({ err }, 'table request failed');
    renderTableError(
      ctx,
      new StorageError('InternalError', 'The server encountered an internal error. Please retry the request.'),
    );
  }
}
