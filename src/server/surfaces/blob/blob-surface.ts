import type { Clock } from '../../../kernel/clock.js';
import type { RequestContext, Surface } from '../../../kernel/http/context.js';
import type { Authorizer } from '../../rbac/authorizer.js';
import type { Store } from '../../../store/store.js';
import { DataPlaneAuthError, type DataPlaneAuthenticator } from '../data-plane-auth/data-plane-auth.js';
import type { StorageAccountService } from '../../storage-accounts/accounts.js';
import type { StorageAccountRecord } from '../../../store/storage.js';
import { renderStorageError, StorageError } from './blob-errors.js';
import { BlobHandlers } from './blob-handlers.js';
import { classify, type Operation } from './operations.js';
import { verifySas } from './sas-verify.js';
import { authenticateStorage, storageAuthError } from './storage-auth.js';
import { AZURE_BLOB_SUFFIX, labelUnder } from '../../../wire/azure-hosts.js';

export { STORAGE_RESOURCE } from './storage-auth.js';

export interface BlobSurfaceDeps {
  store: Store;
  clock: Clock;
  accounts: StorageAccountService;
  /** Built with resource STORAGE_RESOURCE. */
  bearer: DataPlaneAuthenticator;
  authorizer: Authorizer;
  zone: string;
  tenantId: string;
  loginUrl: string;
}

/** The blob service of every account at `{account}.blob.{zone}` (ADR 0007) and `{account}.blob.core.windows.net`. */
export class BlobSurface implements Surface {
  readonly name = 'storage-blob';
  private readonly suffix: string;
  private readonly handlers: BlobHandlers;

  constructor(private readonly d: BlobSurfaceDeps) {
    this.suffix = `.blob.${d.zone.toLowerCase()}`;
    this.handlers = new BlobHandlers(d.store, d.clock);
  }

  matches(ctx: RequestContext): boolean {
    return (
      labelUnder(ctx.hostname, this.suffix) !== undefined || labelUnder(ctx.hostname, AZURE_BLOB_SUFFIX) !== undefined
    );
  }

  async handle(ctx: RequestContext): Promise<void> {
    const local = labelUnder(ctx.hostname, this.suffix);
    const name = local ?? labelUnder(ctx.hostname, AZURE_BLOB_SUFFIX) ?? '';
    const resolved = await this.d.accounts.resolve(name);
    if (!resolved) throw new StorageError('ResourceNotFound', `The storage account '${name}' does not exist.`);
    const op = classify(ctx.method, ctx.segments, ctx.query);
    await this.authenticate(ctx, op, resolved.record, resolved.keys);
    // Azure's own names are reached on 443 (docs/clients.md#transparent-mode), whatever port openmi listens on.
    const port = local === undefined ? 443 : ctx.req.socket.localPort;
    const endpoint = `https://${ctx.hostname}${port && port !== 443 ? `:${port}` : ''}/`;
    await this.handlers.handle({ ctx, op, account: resolved.record.name, endpoint });
  }

  renderError(ctx: RequestContext, err: unknown): void {
    if (err instanceof StorageError) return renderStorageError(ctx, err);
    if (err instanceof DataPlaneAuthError) return renderStorageError(ctx, storageAuthError(this.d, err));
    ctx.log.error({ err }, 'blob request failed');
    renderStorageError(
      ctx,
      new StorageError('InternalError', 'The server encountered an internal error. Please retry the request.'),
    );
  }

  private async authenticate(
    ctx: RequestContext,
    op: Operation,
    record: StorageAccountRecord,
    keys: string[],
  ): Promise<void> {
    const scope = op.container ? `${record.id}/blobServices/default/containers/${op.container}` : record.id;
    const now = this.d.clock.now();
    const sas = () => verifySas(ctx.query, op, record.name, keys, now, ctx.req.socket.remoteAddress ?? '');
    await authenticateStorage(this.d, ctx, record, keys, { actions: [op.rbac.action], kind: op.rbac.kind, scope, sas });
  }
}
