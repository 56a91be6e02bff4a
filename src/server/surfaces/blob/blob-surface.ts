import type { Clock } from '../../../kernel/clock.js';
import type { RequestContext, Surface } from '../../../kernel/http/context.js';
import type { Authorizer } from '../../rbac/authorizer.js';
import type { Store } from '../../../store/store.js';
import { DataPlaneAuthError, type DataPlaneAuthenticator } from '../data-plane-auth/data-plane-auth.js';
import { hnsEnabled, sharedKeyAccessAllowed, type StorageAccountService } from '../../storage-accounts/accounts.js';
import type { PathAccessService } from '../../datalake/access.js';
import { blobAclNeeds } from '../../datalake/blob-acl.js';
import type { StorageAccountRecord } from '../../../store/storage.js';
import { renderStorageError, StorageError } from './blob-errors.js';
import { BlobHandlers } from './blob-handlers.js';
import { classify, type Operation } from './operations.js';
import { verifySas } from './sas-verify.js';
import { verifySharedKey } from './shared-key.js';
import { AZURE_BLOB_SUFFIX, labelUnder } from '../../../wire/azure-hosts.js';

export const STORAGE_RESOURCE = 'https://storage.azure.com';
/** Azure documents OAuth on Storage from this version on. */
const MIN_BEARER_VERSION = '2017-11-09';
/** Azure's text for Shared Key or an account-key SAS on an account with allowSharedKeyAccess false. */
const KEY_AUTH_OFF = 'Key based authentication is not permitted on this storage account.';

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
    if (err instanceof DataPlaneAuthError) return renderStorageError(ctx, this.authError(err));
    ctx.log.error({ err }, 'blob request failed');
    renderStorageError(
      ctx,
      new StorageError('InternalError', 'The server encountered an internal error. Please retry the request.'),
    );
  }

  /** SAS (query `sig`), then SharedKey, then bearer; SharedKey and SAS bypass RBAC, as in Azure. */
  private async authenticate(
    ctx: RequestContext,
    op: Operation,
    record: StorageAccountRecord,
    keys: string[],
  ): Promise<string | undefined> {
    const { name: account, id: accountId } = record;
    const authorization = ctx.req.headers.authorization ?? '';
    // openmi verifies every SAS with the account keys (it issues no user delegation SAS), so any
    // `sig` is key-based. Checked before any signature: with the keys off, none is looked at.
    const keyBased = ctx.query.has('sig') || authorization.startsWith('SharedKey ');
    if (keyBased && !sharedKeyAccessAllowed(record))
      throw new StorageError('KeyBasedAuthenticationNotPermitted', KEY_AUTH_OFF);
    if (ctx.query.has('sig')) {
      verifySas(ctx.query, op, account, keys, this.d.clock.now(), ctx.req.socket.remoteAddress ?? '');
      return undefined;
    }
    if (authorization.startsWith('SharedKey ')) {
      if (verifySharedKey(authorization, ctx.method, ctx.req.headers, ctx.req.url ?? '/', account, keys))
        return undefined;
      throw new StorageError(
        'AuthenticationFailed',
        'Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.',
      );
    }
    if (!authorization)
      throw new DataPlaneAuthError(
        'NoAuthenticationInformation',
        'Server failed to authenticate the request. Please refer to the information in the www-authenticate header.',
      );
    const version = String(ctx.req.headers['x-ms-version'] ?? '');
    if (version < MIN_BEARER_VERSION)
      throw new StorageError(
        'InvalidHeaderValue',
        `Authentication scheme Bearer is not supported in version '${version}'.`,
      );
    const caller = await this.d.bearer.authenticate(authorization);
    const scope = op.container ? `${accountId}/blobServices/default/containers/${op.container}` : accountId;
    const decision = await this.d.authorizer.check(caller.principalId, op.rbac.action, scope, op.rbac.kind);
    if (!decision.allowed && !(await this.aclGrants(ctx, op, record, caller.principalId)))
      throw new StorageError(
        'AuthorizationPermissionMismatch',
        `This request is not authorized to perform this operation using this permission. (${decision.reason})`,
      );
    return caller.principalId;
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

  /** 401s carry the challenge the SDK's tenant-discovery policy parses (docs/wire/blob.md). */
  private authError(e: DataPlaneAuthError): StorageError {
    if (e.status === 403) return new StorageError('AuthorizationPermissionMismatch', e.message);
    const challenge = `Bearer authorization_uri=${this.d.loginUrl}/${this.d.tenantId}/oauth2/authorize resource_id=${STORAGE_RESOURCE}`;
    const code = e.code === 'NoAuthenticationInformation' ? e.code : 'InvalidAuthenticationInfo';
    return new StorageError(code, e.message, { 'www-authenticate': challenge });
  }
}
