import type { Clock } from '../../../kernel/clock.js';
import type { Random } from '../../../kernel/ids.js';
import type { RequestContext, Surface } from '../../../kernel/http/context.js';
import type { Store } from '../../../store/store.js';
import { AZURE_QUEUE_SUFFIX, labelUnder } from '../../../wire/azure-hosts.js';
import type { StorageAccountService } from '../../storage-accounts/accounts.js';
import { DataPlaneAuthError } from '../data-plane-auth/data-plane-auth.js';
import { renderStorageError, StorageError } from '../blob/blob-errors.js';
import { authenticateStorage, storageAuthError, type StorageAuthDeps } from '../blob/storage-auth.js';
import { QueueHandlers } from './queue-handlers.js';
import { classifyQueue } from './queue-operations.js';
import { queueSasNeed } from './queue-sas.js';
import { verifySas } from '../blob/sas-verify.js';

export interface QueueSurfaceDeps extends StorageAuthDeps {
  store: Store;
  clock: Clock;
  random: Random;
  accounts: StorageAccountService;
  zone: string;
}

/**
 * The queue service of every account at `{account}.queue.{zone}` and `{account}.queue.core.windows.net`
 * (docs/data-planes.md): the blob plane's host routing, authentication and error envelope.
 */
export class QueueSurface implements Surface {
  readonly name = 'storage-queue';
  private readonly suffix: string;
  private readonly handlers: QueueHandlers;

  constructor(private readonly d: QueueSurfaceDeps) {
    this.suffix = `.queue.${d.zone.toLowerCase()}`;
    this.handlers = new QueueHandlers(d.store, d.clock, d.random);
  }

  matches(ctx: RequestContext): boolean {
    return (
      labelUnder(ctx.hostname, this.suffix) !== undefined || labelUnder(ctx.hostname, AZURE_QUEUE_SUFFIX) !== undefined
    );
  }

  async handle(ctx: RequestContext): Promise<void> {
    const local = labelUnder(ctx.hostname, this.suffix);
    const name = local ?? labelUnder(ctx.hostname, AZURE_QUEUE_SUFFIX) ?? '';
    const resolved = await this.d.accounts.resolve(name);
    if (!resolved) throw new StorageError('ResourceNotFound', `The storage account '${name}' does not exist.`);
    const op = classifyQueue(ctx.method, ctx.segments, ctx.query);
    const { record, keys } = resolved;
    const scope = op.queue ? `${record.id}/queueServices/default/queues/${op.queue}` : record.id;
    const ip = ctx.req.socket.remoteAddress ?? '';
    const sas = () => verifySas(ctx.query, queueSasNeed(op, record.name), record.name, keys, this.d.clock.now(), ip);
    await authenticateStorage(this.d, ctx, record, keys, { actions: op.actions, kind: op.kind, scope, sas });
    // Azure's own names are reached on 443 (docs/clients.md#transparent-mode), whatever port openmi listens on.
    const port = local === undefined ? 443 : ctx.req.socket.localPort;
    const endpoint = `https://${ctx.hostname}${port && port !== 443 ? `:${port}` : ''}/`;
    await this.handlers.handle({ ctx, op, account: record.name, endpoint });
  }

  renderError(ctx: RequestContext, err: unknown): void {
    if (err instanceof StorageError) return renderStorageError(ctx, err);
    if (err instanceof DataPlaneAuthError) return renderStorageError(ctx, storageAuthError(this.d, err));
    ctx.log.error({ err }, 'queue request failed');
    renderStorageError(
      ctx,
      new StorageError('InternalError', 'The server encountered an internal error. Please retry the request.'),
    );
  }
}
