import { JwtVerifyError, type VerifiedJwt } from '../../tokens/jwt/verify.js';
import type { Authorizer } from '../../rbac/authorizer.js';
import {
  RevocationCheckingVerifier,
  type BearerVerifier,
  type RevocationLookup,
} from '../../tokens/revocation-check.js';

export type { BearerVerifier } from '../../tokens/revocation-check.js';

/** The authenticated caller of a data plane, from the token's claims. */
export interface DataPlaneCaller {
  principalId: string;
  clientId: string | undefined;
  /** `xms_mirid`: the managed identity's (or its resource's) ARM id, when the token came from one. */
  identityResourceId: string | undefined;
  tenantId: string;
  issuedAt: number;
}

/** The codes a data plane's authentication and authorization refuse with, and their status. */
export const DATA_PLANE_AUTH_ERROR_STATUS = {
  Unauthorized: 401,
  InvalidAuthenticationToken: 401,
  TokenRevoked: 401,
  NoAuthenticationInformation: 401,
  Forbidden: 403,
} as const;

export type DataPlaneAuthErrorCode = keyof typeof DATA_PLANE_AUTH_ERROR_STATUS;

/** 401 (authentication) or 403 (authorization); each data plane renders it in its own envelope. */
export class DataPlaneAuthError extends Error {
  readonly status: (typeof DATA_PLANE_AUTH_ERROR_STATUS)[DataPlaneAuthErrorCode];
  constructor(
    readonly code: DataPlaneAuthErrorCode,
    message: string,
  ) {
    super(message);
    this.status = DATA_PLANE_AUTH_ERROR_STATUS[code];
  }
}

export interface DataPlaneAuthOptions {
  verifier: BearerVerifier;
  revocations: RevocationLookup;
  authorizer: Authorizer;
  /** The plane's resource (audience); accepted with and without a trailing '/'. */
  resource: string;
  /** Other spellings of the same resource it also accepts, e.g. the vault resource with its port. */
  alsoAccept?: readonly string[];
}

const unauthenticated = (
  message: string,
  code: 'Unauthorized' | 'InvalidAuthenticationToken' | 'TokenRevoked' = 'Unauthorized',
): never => {
  throw new DataPlaneAuthError(code, message);
};

/** Accept the audience as advertised and with/without its trailing slash (docs/data-planes.md). */
export function audienceSet(resource: string): string[] {
  const bare = resource.replace(/\/+$/, '');
  return [bare, `${bare}/`];
}

/**
 * The one verifier every data plane uses. Authentication (token, then revocation) and
 * authorization (RBAC data action) are separate calls on purpose: a plane must answer 401 with
 * its challenge before it looks at the request at all, and only then decide what action it is.
 */
export class DataPlaneAuthenticator {
  private readonly audiences: string[];
  private readonly verifier: BearerVerifier;

  constructor(private readonly o: DataPlaneAuthOptions) {
    this.audiences = [o.resource, ...(o.alsoAccept ?? [])].flatMap(audienceSet);
    this.verifier = new RevocationCheckingVerifier(o.verifier, o.revocations);
  }

  get resource(): string {
    return this.o.resource;
  }

  /** Throws DataPlaneAuthError(401) unless the header carries a valid, unrevoked token. */
  async authenticate(authorization: string | undefined): Promise<DataPlaneCaller> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m) return unauthenticated('The request has no bearer token.');
    let jwt: VerifiedJwt;
    try {
      jwt = await this.verifier.verify(m[1]!, this.audiences);
    } catch (e) {
      if (!(e instanceof JwtVerifyError)) throw e;
      if (e.code === 'revoked') return unauthenticated(`${e.message}.`, 'TokenRevoked');
      return unauthenticated(`The access token is invalid: ${e.message}`, 'InvalidAuthenticationToken');
    }
    return callerOf(jwt);
  }

  /** Throws DataPlaneAuthError(403) with the RBAC explanation unless the caller holds the data action at `scope`. */
  async authorize(caller: DataPlaneCaller, dataAction: string, scope: string): Promise<void> {
    const d = await this.o.authorizer.check(caller.principalId, dataAction, scope, 'dataAction');
    if (d.allowed) return;
    throw new DataPlaneAuthError(
      'Forbidden',
      `Caller is not authorized to perform action on resource. Caller: oid=${caller.principalId}; Action: '${dataAction}'; Resource: '${scope}'. ${d.reason}`,
    );
  }
}

function callerOf(jwt: VerifiedJwt): DataPlaneCaller {
  const c = jwt.claims;
  const str = (k: string): string | undefined =>
    typeof c[k] === 'string' && c[k] !== '' ? (c[k] as string) : undefined;
  const principalId = str('oid');
  const tenantId = str('tid');
  // oid and iat were required by the revocation check already; tid is needed for the caller.
  if (!principalId || !tenantId || typeof c['iat'] !== 'number')
    return unauthenticated("The access token lacks 'oid', 'tid' or 'iat'.", 'InvalidAuthenticationToken');
  return {
    principalId,
    tenantId,
    clientId: str('appid') ?? str('azp'),
    identityResourceId: str('xms_mirid'),
    issuedAt: c['iat'] as number,
  };
}
