import type { RequestContext } from '../../../kernel/http/context.js';
import type { StorageAccountRecord } from '../../../store/storage.js';
import type { Authorizer } from '../../rbac/authorizer.js';
import { sharedKeyAccessAllowed } from '../../storage-accounts/accounts.js';
import { DataPlaneAuthError, type DataPlaneAuthenticator } from '../data-plane-auth/data-plane-auth.js';
import { StorageError } from './blob-errors.js';
import { verifySharedKey, verifyTableSharedKeyLite } from './shared-key.js';

export const STORAGE_RESOURCE = 'https://storage.azure.com';
/** Azure documents OAuth on Storage from this version on. */
const MIN_BEARER_VERSION = '2017-11-09';
/** Azure's text for Shared Key or an account-key SAS on an account with allowSharedKeyAccess false. */
const KEY_AUTH_OFF = 'Key based authentication is not permitted on this storage account.';

export interface StorageAuthDeps {
  bearer: DataPlaneAuthenticator;
  authorizer: Authorizer;
  tenantId: string;
  loginUrl: string;
}

/** What one request needs: its RBAC action(s) at a scope, and how to check a SAS (if the service takes one). */
export interface StorageCheck {
  /** Any one of them suffices (Azure accepts e.g. messages/add/action or messages/write for Put Message). */
  actions: readonly string[];
  /** When given, one of these is needed as well (Insert Or Replace Entity needs add and update). */
  andActions?: readonly string[];
  kind: 'action' | 'dataAction';
  scope: string;
  sas?: () => void;
  /** The Table service also takes SharedKeyLite in its own format (the one its SDK signs with). */
  tableSharedKeyLite?: boolean;
  /**
   * Asked only when RBAC denies a bearer caller: Data Lake's POSIX ACLs, which Azure evaluates
   * after RBAC and which can grant what no role does (docs/data-planes.md#data-lake).
   */
  otherwise?: (principalId: string) => Promise<boolean>;
}

/**
 * SAS (query `sig`), then SharedKey, then bearer, shared by the blob, queue and table services;
 * SharedKey and SAS bypass RBAC, as in Azure. Resolves with the bearer caller's object id
 * (undefined for a key or SAS).
 */
export async function authenticateStorage(
  d: StorageAuthDeps,
  ctx: RequestContext,
  record: StorageAccountRecord,
  keys: string[],
  check: StorageCheck,
): Promise<string | undefined> {
  const authorization = ctx.req.headers.authorization ?? '';
  // openmi verifies every SAS with the account keys (it issues no user delegation SAS), so any
  // `sig` is key-based. Checked before any signature: with the keys off, none is looked at.
  const lite = check.tableSharedKeyLite === true && authorization.startsWith('SharedKeyLite ');
  const keyBased = ctx.query.has('sig') || authorization.startsWith('SharedKey ') || lite;
  if (keyBased && !sharedKeyAccessAllowed(record))
    throw new StorageError('KeyBasedAuthenticationNotPermitted', KEY_AUTH_OFF);
  if (ctx.query.has('sig')) {
    if (check.sas) {
      check.sas();
      return undefined;
    }
    throw new StorageError('AuthenticationFailed', 'openmi does not take a SAS on this service (docs/data-planes.md).');
  }
  if (authorization.startsWith('SharedKey ') || lite) {
    const url = ctx.req.url ?? '/';
    if (lite && verifyTableSharedKeyLite(authorization, ctx.req.headers, url, record.name, keys)) return undefined;
    if (!lite && verifySharedKey(authorization, ctx.method, ctx.req.headers, url, record.name, keys)) return undefined;
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
  const caller = await d.bearer.authenticate(authorization);
  await authorizeStorage(d, caller.principalId, check);
  return caller.principalId;
}

/**
 * RBAC for a bearer caller already authenticated: one of `actions`, and one of `andActions` when
 * given. The table service's entity group transactions check each operation of the batch with it.
 */
export async function authorizeStorage(d: StorageAuthDeps, principalId: string, check: StorageCheck): Promise<void> {
  for (const anyOf of [check.actions, check.andActions ?? []]) {
    if (anyOf.length > 0) await authorizeAny(d, principalId, anyOf, check);
  }
}

async function authorizeAny(d: StorageAuthDeps, principalId: string, anyOf: readonly string[], c: StorageCheck) {
  let reason = '';
  for (const action of anyOf) {
    const decision = await d.authorizer.check(principalId, action, c.scope, c.kind);
    if (decision.allowed) return;
    reason ||= decision.reason;
  }
  if (c.otherwise && (await c.otherwise(principalId))) return;
  throw new StorageError(
    'AuthorizationPermissionMismatch',
    `This request is not authorized to perform this operation using this permission. (${reason})`,
  );
}

/** 401s carry the challenge the SDK's tenant-discovery policy parses (docs/wire/blob.md). */
export function storageAuthError(d: StorageAuthDeps, e: DataPlaneAuthError): StorageError {
  if (e.status === 403) return new StorageError('AuthorizationPermissionMismatch', e.message);
  const challenge = `Bearer authorization_uri=${d.loginUrl}/${d.tenantId}/oauth2/authorize resource_id=${STORAGE_RESOURCE}`;
  const code = e.code === 'NoAuthenticationInformation' ? e.code : 'InvalidAuthenticationInfo';
  return new StorageError(code, e.message, { 'www-authenticate': challenge });
}
