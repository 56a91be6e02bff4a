import type { StoredSignIn } from '../../audit/sign-in-log.js';
import type { AuditQuery } from '../../../store/audit-repo.js';
import type { SignInFlow } from '../../../wire/sign-ins.js';
import type { SignInEventType, SignInFilter } from './sign-in-filter.js';

/**
 * openmi's flows as Graph's sign-in categories (docs/wire/graph.md): a federated exchange always
 * signs in as a user-assigned identity, so it is a managed-identity sign-in, as Entra logs them
 * (https://learn.microsoft.com/graph/api/resources/managedidentity?view=graph-rest-beta). openmi
 * has no users: a portal login link signs a service principal in, and so does a gate that takes a
 * token as a database password (the token itself was logged when it was issued).
 */
const EVENT_TYPE: Record<SignInFlow, SignInEventType> = {
  managedIdentity: 'managedIdentity',
  federated: 'managedIdentity',
  clientCredentials: 'servicePrincipal',
  loginLink: 'servicePrincipal',
  gate: 'servicePrincipal',
  // A token presented to a registry's exchange (docs/registries.md): an identity or an application signing in.
  containerRegistry: 'servicePrincipal',
};

const CREDENTIAL_TYPE: Record<SignInFlow, string> = {
  managedIdentity: 'managedIdentity',
  federated: 'federatedIdentityCredential',
  clientCredentials: 'clientSecret',
  loginLink: 'none',
  gate: 'none',
  containerRegistry: 'none',
};

/**
 * Graph's `status.errorCode` is Entra's AADSTS number; openmi records its wire code, so each maps to
 * the number Entra answers the same case with (src/server/surfaces/oauth/oauth-errors.ts;
 * https://learn.microsoft.com/entra/identity-platform/reference-error-codes), and any other code to
 * AADSTS50000 (sign-in service error). The recorded code stays in `status.additionalDetails`.
 */
const AADSTS: Readonly<Record<string, number>> = {
  invalid_request: 900144,
  invalid_client: 7000215,
  unauthorized_client: 700016,
  identity_not_found: 700016,
  invalid_grant: 70008,
  unsupported_grant_type: 70003,
  invalid_scope: 70011,
  invalid_resource: 500011,
  temporarily_unavailable: 90033,
  server_error: 90033,
  too_many_requests: 90055,
};
export const OTHER_FAILURE = 50000;

export function aadstsOf(s: Pick<StoredSignIn, 'result' | 'errorCode'>): number {
  if (s.result === 'success') return 0;
  return (
    (s.errorCode !== null && Object.hasOwn(AADSTS, s.errorCode) ? AADSTS[s.errorCode] : undefined) ?? OTHER_FAILURE
  );
}

/** The recorded error codes whose rows show `value` as `status/errorCode`. */
function errorCodeQuery(value: number): Pick<AuditQuery, 'in' | 'notIn'> {
  const codes = Object.keys(AADSTS);
  if (value === OTHER_FAILURE) return { notIn: { error_code: codes } };
  return { in: { error_code: codes.filter((c) => AADSTS[c] === value) } };
}

/** The filter as a query of the sign-in log's filter columns (src/store/sql/audit-log.ts). */
export function toAuditQuery(f: SignInFilter): AuditQuery {
  const eq: Record<string, string> = {};
  const q: AuditQuery = { eq };
  if (f.from !== undefined) q.from = f.from;
  if (f.to !== undefined) q.to = f.to;
  if (f.servicePrincipalId !== undefined) eq['principal_key'] = f.servicePrincipalId.toLowerCase();
  if (f.appId !== undefined) eq['client_key'] = f.appId.toLowerCase();
  if (f.eventType !== undefined) {
    const flows = (Object.keys(EVENT_TYPE) as SignInFlow[]).filter((fl) => EVENT_TYPE[fl] === f.eventType);
    q.in = { flow: flows };
  }
  const e = f.errorCode;
  if (e !== undefined) {
    eq['result'] = e.op === 'eq' && e.value === 0 ? 'success' : 'failure';
    if (e.op === 'eq' && e.value !== 0) {
      const c = errorCodeQuery(e.value);
      if (c.in) q.in = { ...q.in, ...c.in };
      if (c.notIn) q.notIn = c.notIn;
    }
  }
  return q;
}

const USER_ASSIGNED = /\/providers\/microsoft\.managedidentity\/userassignedidentities\/[^/]+$/i;

function managedIdentityType(s: StoredSignIn): 'systemAssigned' | 'userAssigned' | 'none' {
  if (EVENT_TYPE[s.flow] !== 'managedIdentity' || !s.identityResourceId) return 'none';
  return USER_ASSIGNED.test(s.identityResourceId) ? 'userAssigned' : 'systemAssigned';
}

/** Entra's display names of the audiences workloads ask for most; any other shows as asked. */
const RESOURCE_NAMES: Readonly<Record<string, string>> = {
  'https://management.azure.com': 'Windows Azure Service Management API',
  'https://management.core.windows.net': 'Windows Azure Service Management API',
  'https://vault.azure.net': 'Azure Key Vault',
  'https://storage.azure.com': 'Azure Storage',
  'https://graph.microsoft.com': 'Microsoft Graph',
};

function resourceName(audience: string | null): string | null {
  if (audience === null) return null;
  const key = audience
    .toLowerCase()
    .replace(/\/\.default$/, '')
    .replace(/\/+$/, '');
  return Object.hasOwn(RESOURCE_NAMES, key) ? RESOURCE_NAMES[key]! : audience;
}

/**
 * A managed identity's principal is named after the identity (user-assigned) or its resource
 * (system-assigned), the last segment of the recorded resource id; other principals by `names`.
 */
function principalName(s: StoredSignIn, names: ReadonlyMap<string, string>): string | null {
  if (s.identityResourceId) return s.identityResourceId.split('/').pop() || null;
  return s.principalId === null ? null : (names.get(s.principalId.toLowerCase()) ?? null);
}

/**
 * One sign-in row in Graph's signIn shape (https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta).
 * A row that counts several requests (docs/audit.md) is one entry, with openmi's `requestCount` and
 * `lastDateTime` added, as openmi's own sign-in API shows it.
 */
export function graphSignIn(s: StoredSignIn, names: ReadonlyMap<string, string>): Record<string, unknown> {
  const name = principalName(s, names);
  const msiType = managedIdentityType(s);
  const counted =
    s.count === undefined ? {} : { requestCount: s.count, lastDateTime: new Date(s.lastAt ?? s.at).toISOString() };
  return {
    id: s.id,
    createdDateTime: new Date(s.at).toISOString(),
    appId: s.clientId,
    appDisplayName: name,
    servicePrincipalId: s.principalId,
    servicePrincipalName: name,
    resourceId: s.audience,
    resourceDisplayName: resourceName(s.audience),
    correlationId: s.correlationId,
    signInEventTypes: [EVENT_TYPE[s.flow]],
    isInteractive: false,
    clientCredentialType: CREDENTIAL_TYPE[s.flow],
    managedIdentityType: msiType,
    managedServiceIdentity: { msiType, associatedResourceId: s.callingResourceId ?? s.identityResourceId },
    status: {
      errorCode: aadstsOf(s),
      failureReason: s.reason,
      additionalDetails: s.errorCode === null ? null : `openmi error code: ${s.errorCode}`,
    },
    processingTimeInMilliseconds: s.latencyMs,
    ...counted,
  };
}
