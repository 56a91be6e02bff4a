import type { Clock } from '../../../kernel/clock.js';
import { isDomainError } from '../../../kernel/errors.js';
import type { RequestContext, Surface } from '../../../kernel/http/context.js';
import type { Authorizer } from '../../rbac/authorizer.js';
import type { Store } from '../../../store/store.js';
import type { StorageAccountRecord } from '../../../store/storage.js';
import { DataPlaneAuthError, type DataPlaneAuthenticator } from '../data-plane-auth/data-plane-auth.js';
import { hnsEnabled, sharedKeyAccessAllowed, type StorageAccountService } from '../../storage-accounts/accounts.js';
import { PathAccessService } from '../../datalake/access.js';
import { SUPERUSER } from '../../datalake/acl.js';
import { verifySharedKey } from '../blob/shared-key.js';
import { STORAGE_RESOURCE, type BlobSurface } from '../blob/blob-surface.js';
import { renderStorageError, StorageError } from '../blob/blob-errors.js';
import { AZURE_DFS_SUFFIX, labelUnder } from '../../../wire/azure-hosts.js';
import { DfsError, renderDfsError } from './dfs-errors.js';
import { classifyDfs, isBlobStyle, type DfsOp } from './dfs-ops.js';
import { DfsPathWrites } from './dfs-paths.js';
import { DfsReads } from './dfs-reads.js';
import type { DfsTarget } from './dfs-target.js';
import { dfsSasNeed } from './dfs-sas.js';
import { verifySas } from '../blob/sas-verify.js';

export interface DfsSurfaceDeps {
  store: Store;
  clock: Clock;
  accounts: StorageAccountService;
  /** Built with resource STORAGE_RESOURCE. */
  bearer: DataPlaneAuthenticator;
  authorizer: Authorizer;
  access: PathAccessService;
  /** Serves the SDK's blob-style requests that reach this host (dfs-ops.ts isBlobStyle). */
  blob: BlobSurface;
  zone: string;
  tenantId: string;
  loginUrl: string;
}

const denied = (why: string) =>
  new DfsError(
    403,
    'AuthorizationPermissionMismatch',
    `This request is not authorized to perform this operation using this permission. (${why})`,
  );

/**
 * Data Lake Storage Gen2 at `{account}.dfs.{zone}` and `{account}.dfs.core.windows.net`, for
 * accounts created with isHnsEnabled (docs/data-planes.md#data-lake). File systems are the blob
 * plane's containers and paths its blobs, so both endpoints see the same data, as in Azure.
 */
export class DfsSurface implements Surface {
  readonly name = 'storage-dfs';
  private readonly suffix: string;
  private readonly writes: DfsPathWrites;
  private readonly reads: DfsReads;

  constructor(private readonly d: DfsSurfaceDeps) {
    this.suffix = `.dfs.${d.zone.toLowerCase()}`;
    this.writes = new DfsPathWrites(d.store, d.clock, d.access);
    this.reads = new DfsReads(d.store, d.clock, d.access);
  }

  matches(ctx: RequestContext): boolean {
    return (
      labelUnder(ctx.hostname, this.suffix) !== undefined || labelUnder(ctx.hostname, AZURE_DFS_SUFFIX) !== undefined
    );
  }

  async handle(ctx: RequestContext): Promise<void> {
    const local = labelUnder(ctx.hostname, this.suffix);
    const name = local ?? labelUnder(ctx.hostname, AZURE_DFS_SUFFIX) ?? '';
    if (isBlobStyle(ctx.method, ctx.segments, ctx.query)) return this.d.blob.serve(ctx, name, local !== undefined);
    const resolved = await this.d.accounts.resolve(name);
    if (!resolved) throw new DfsError(404, 'ResourceNotFound', `The storage account '${name}' does not exist.`);
    if (!hnsEnabled(resolved.record))
      throw new DfsError(
        409,
        'EndpointUnsupportedAccountFeatures',
        'This endpoint needs a hierarchical namespace: create the account with properties.isHnsEnabled true.',
      );
    const rename = ctx.req.headers['x-ms-rename-source'];
    const op = classifyDfs(ctx.method, ctx.segments, ctx.query, typeof rename === 'string' ? rename : undefined);
    const { caller, granted } = await this.authenticate(ctx, op, resolved.record, resolved.keys);
    const t: DfsTarget = { ctx, op, account: resolved.record.name, caller };
    if (op.name === 'SetAccessControl') return this.writes.SetAccessControl(t, granted);
    const handler = op.name in this.reads ? this.reads : this.writes;
    await (handler as unknown as Record<string, (t: DfsTarget) => Promise<void>>)[op.name]!.call(handler, t);
  }

  renderError(ctx: RequestContext, err: unknown): void {
    if (err instanceof DfsError) return renderDfsError(ctx, err);
    if (err instanceof StorageError) return renderStorageError(ctx, err);
    if (err instanceof DataPlaneAuthError) return renderDfsError(ctx, this.authError(err));
    // Bad ACL or permission text (datalake/acl.ts): Azure answers 400 InvalidHeaderValue naming the header.
    if (isDomainError(err) && err.kind === 'invalid')
      return renderDfsError(
        ctx,
        new DfsError(400, 'InvalidHeaderValue', `${err.message} (${err.target ?? 'request'})`),
      );
    ctx.log.error({ err }, 'dfs request failed');
    renderDfsError(
      ctx,
      new DfsError(500, 'InternalError', 'The server encountered an internal error. Please retry the request.'),
    );
  }

  /**
   * Shared Key (the super-user, as in Azure) or bearer. With a bearer, RBAC first; when it does
   * not grant a data action, the path ACLs may (docs/data-planes.md#data-lake). A SAS (dfs-sas.ts) is checked
   * like Shared Key.
   */
  private async authenticate(
    ctx: RequestContext,
    op: DfsOp,
    record: StorageAccountRecord,
    keys: string[],
  ): Promise<{ caller: string; granted: boolean }> {
    const authorization = ctx.req.headers.authorization ?? '';
    const sas = ctx.query.has('sig');
    if (sas || authorization.startsWith('SharedKey ')) {
      if (!sharedKeyAccessAllowed(record))
        throw new DfsError(
          403,
          'KeyBasedAuthenticationNotPermitted',
          'Key based authentication is not permitted on this storage account.',
        );
      if (sas) return this.verifySas(ctx, op, record, keys);
      if (verifySharedKey(authorization, ctx.method, ctx.req.headers, ctx.req.url ?? '/', record.name, keys))
        return { caller: SUPERUSER, granted: true };
      throw new DfsError(403, 'AuthenticationFailed', 'Server failed to authenticate the request.');
    }
    if (!authorization)
      throw new DataPlaneAuthError('NoAuthenticationInformation', 'Server failed to authenticate the request.');
    const oid = (await this.d.bearer.authenticate(authorization)).principalId;
    const scope = `${record.id}/blobServices/default/containers/${op.fs}`;
    const decision = await this.d.authorizer.check(oid, op.rbac.action, scope, op.rbac.kind);
    if (decision.allowed) return { caller: oid, granted: true };
    if (op.name === 'SetAccessControl') return { caller: oid, granted: false };
    if (op.rbac.kind === 'dataAction' && (await this.d.access.allows(record.name, op.fs, oid, op.acl)))
      return { caller: oid, granted: false };
    throw denied(decision.reason);
  }

  /**
   * A SAS made with an account key acts as the super-user, as Shared Key does (ACLs are not asked).
   * A rename's source must lie under the signed resource as well as its destination.
   */
  private verifySas(ctx: RequestContext, op: DfsOp, record: StorageAccountRecord, keys: string[]) {
    const ip = ctx.req.socket.remoteAddress ?? '';
    const now = this.d.clock.now();
    const paths = op.name === 'ListPaths' ? [(ctx.query.get('directory') ?? '').replace(/^\/+|\/+$/g, '')] : [op.path];
    if (op.source !== undefined) paths.push(op.source);
    try {
      for (const path of paths) verifySas(ctx.query, dfsSasNeed(op, record.name, path), record.name, keys, now, ip);
    } catch (e) {
      if (e instanceof StorageError) throw new DfsError(e.status, e.code, e.message);
      throw e;
    }
    return { caller: SUPERUSER, granted: true };
  }

  /** 401s carry the challenge the SDK's tenant-discovery policy parses, as on the blob endpoint. */
  private authError(e: DataPlaneAuthError): DfsError {
    if (e.status === 403) return new DfsError(403, 'AuthorizationPermissionMismatch', e.message);
    const challenge = `Bearer authorization_uri=${this.d.loginUrl}/${this.d.tenantId}/oauth2/authorize resource_id=${STORAGE_RESOURCE}`;
    const code = e.code === 'NoAuthenticationInformation' ? e.code : 'InvalidAuthenticationInfo';
    return new DfsError(401, code, e.message, { 'www-authenticate': challenge });
  }
}
