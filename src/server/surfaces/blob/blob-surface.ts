import type { Clock } from '../../../kernel/clock.js';
import type { RequestContext, Surface } from '../../../kernel/http/context.js';
import type { Authorizer } from '../../rbac/authorizer.js';
import type { Store } from '../../../store/store.js';
import { DataPlaneAuthError, type DataPlaneAuthenticator } from '../data-plane-auth/data-plane-auth.js';
import { hnsEnabled, type StorageAccountService } from '../../storage-accounts/accounts.js';
import type { PathAccessService } from '../../datalake/access.js';
import { blobAclNeeds } from '../../datalake/blob-acl.js';
import type { StorageAccountRecord } from '../../../store/storage.js';
import { renderStorageError, StorageError } from './blob-errors.js';
import { BlobHandlers } from './blob-handlers.js';
import { classify, type Operation } from './operations.js';
import { blobSasNeed } from './sas-blob.js';
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
  /** Path ACLs, consulted on hierarchical-namespace accounts when RBAC does not grant a data action. */
  access?: PathAccessService;
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
    await this.serve(ctx, local ?? labelUnder(ctx.hostname, AZURE_BLOB_SUFFIX) ?? '', local !== undefined);
  }

  /** Also the dfs endpoint's blob-style requests (the Data Lake SDK's reads, on a host it cannot map to blob). */
  async serve(ctx: RequestContext, name: string, local: boolean): Promise<void> {
    const resolved = await this.d.accounts.resolve(name);
    if (!resolved) throw new StorageError('ResourceNotFound', `The storage account '${name}' does not exist.`);
    const op = classify(ctx.method, ctx.segments, ctx.query);
    const oid = await this.authenticate(ctx, op, resolved.record, resolved.keys);
    // Azure's own names are reached on 443 (docs/clients.md#transparent-mode), whatever port openmi listens on.
    const port = !local ? 443 : ctx.req.socket.localPort;
    const endpoint = `https://${ctx.hostname}${port && port !== 443 ? `:${port}` : ''}/`;
    await this.handlers.handle({ ctx, op, account: resolved.record.name, endpoint });
    // A file system made here (as the Data Lake SDK makes them) has its creator as root owner (the ACL doc's case 1).
    if (op.name === 'CreateContainer' && hnsEnabled(resolved.record) && ctx.res.statusCode === 201)
      await this.d.access?.recordRoot(resolved.record.name, op.container!, oid);
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
  ): Promise<string | undefined> {
    const scope = op.container ? `${record.id}/blobServices/default/containers/${op.container}` : record.id;
    const now = this.d.clock.now();
    const ip = ctx.req.socket.remoteAddress ?? '';
    const sas = () => verifySas(ctx.query, blobSasNeed(op, record.name), record.name, keys, now, ip);
    return authenticateStorage(this.d, ctx, record, keys, {
      actions: [op.rbac.action],
      kind: op.rbac.kind,
      scope,
      sas,
      otherwise: (oid) => this.aclGrants(ctx, op, record, oid),
    });
  }

  private async aclGrants(
    ctx: RequestContext,
    op: Operation,
    record: StorageAccountRecord,
    oid: string,
  ): Promise<boolean> {
    if (!this.d.access || !hnsEnabled(record) || op.rbac.kind !== 'dataAction' || !op.container) return false;
    const needs = blobAclNeeds(op.name, op.blob, ctx.query.get('prefix') ?? '');
    return needs !== undefined && this.d.access.allows(record.name, op.container, oid, needs);
  }
}
