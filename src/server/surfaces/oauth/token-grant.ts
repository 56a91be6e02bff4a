import type { Clock } from '../../../kernel/clock.js';
import type { PrincipalRecord } from '../../../store/records.js';
import type { Store } from '../../../store/store.js';
import { authenticateClientSecret } from '../../tokens/client-credentials.js';
import {
  JWT_BEARER_ASSERTION_TYPE,
  type FederatedAssertionVerifier,
} from '../../tokens/federation/assertion-verifier.js';
import type { SignInFlow } from '../../audit/sign-ins.js';
import { LOGIN_LINK_GRANT_TYPE } from '../../tokens/login-links.js';
import { redeemLoginLink, type LoginLinkRedeemer } from './login-link-grant.js';
import { OAuthError } from './oauth-errors.js';
import type { TokenForm } from './token-form.js';

/** An authenticated token request: who the token is for and how it is shaped. */
export interface Grant {
  principal: PrincipalRecord;
  /** '0' public client (the portal), '1' client secret, '2' certificate, assertion or managed identity. */
  appidacr: '0' | '1' | '2';
  lifetimeSeconds: number;
  extraClaims?: Record<string, unknown>;
  /** ARM id of the managed identity, for the sign-in log; null for applications. */
  identityResourceId: string | null;
  flow: SignInFlow;
}

export interface GrantDeps {
  store: Store;
  clock: Clock;
  federation: FederatedAssertionVerifier;
  appTokenLifetimeSeconds: number;
  managedIdentityTokenLifetimeSeconds: number;
  loginLinks: LoginLinkRedeemer;
}

/**
 * The login-link grant type names its flow; otherwise a request carrying any client_assertion
 * parameter is a federated exchange, even a malformed one.
 */
export function flowOf(form: Pick<TokenForm, 'grantType' | 'clientAssertion' | 'clientAssertionType'>): SignInFlow {
  if (form.grantType === LOGIN_LINK_GRANT_TYPE) return 'loginLink';
  return form.clientAssertion !== undefined || form.clientAssertionType !== undefined
    ? 'federated'
    : 'clientCredentials';
}

async function loginLink(d: GrantDeps, tenantId: string, form: TokenForm): Promise<Grant> {
  const principal = await redeemLoginLink(d.loginLinks, tenantId, form);
  // '0': the portal is a public client; the code, not a client credential, authenticated the request.
  return {
    principal,
    appidacr: '0',
    lifetimeSeconds: d.appTokenLifetimeSeconds,
    identityResourceId: null,
    flow: 'loginLink',
  };
}

async function federated(d: GrantDeps, tenantId: string, form: TokenForm): Promise<Grant> {
  if (form.clientSecret !== undefined) {
    throw new OAuthError('invalid_request', 900144, 'Send either client_secret or client_assertion, not both.', 400);
  }
  if (form.clientAssertionType !== JWT_BEARER_ASSERTION_TYPE) {
    throw new OAuthError(
      'invalid_request',
      900144,
      `The request body must contain 'client_assertion_type' with the value '${JWT_BEARER_ASSERTION_TYPE}'.`,
      400,
    );
  }
  if ((form.clientAssertion ?? '').trim() === '') {
    throw new OAuthError(
      'invalid_request',
      900144,
      "The request body must contain the following parameter: 'client_assertion'.",
      400,
    );
  }
  const g = await d.federation.verify(tenantId, form.clientId, form.clientAssertion!);
  return {
    principal: g.principal,
    // '2' is what Entra reports for managed identities and certificate-style credentials.
    appidacr: '2',
    lifetimeSeconds: d.managedIdentityTokenLifetimeSeconds,
    extraClaims: { xms_mirid: g.identity.id },
    identityResourceId: g.identity.id,
    flow: 'federated',
  };
}

/** Authenticates a token request by client secret, a federated client assertion, or a portal login link. */
export async function authenticateGrant(d: GrantDeps, tenantId: string, form: TokenForm): Promise<Grant> {
  if (form.grantType === LOGIN_LINK_GRANT_TYPE) return loginLink(d, tenantId, form);
  if (form.grantType !== 'client_credentials') {
    throw new OAuthError(
      'unsupported_grant_type',
      70003,
      `The grant type '${form.grantType.slice(0, 80)}' is not supported. Use client_credentials.`,
    );
  }
  if (flowOf(form) === 'federated') return federated(d, tenantId, form);
  if (form.clientSecret === undefined) {
    throw new OAuthError(
      'invalid_client',
      7000218,
      "The request body must contain the following parameter: 'client_secret' or 'client_assertion' (or use HTTP Basic authentication).",
      401,
    );
  }
  const principal = await authenticateClientSecret(d.store, d.clock, tenantId, form.clientId, form.clientSecret);
  return {
    principal,
    appidacr: '1',
    lifetimeSeconds: d.appTokenLifetimeSeconds,
    identityResourceId: null,
    flow: 'clientCredentials',
  };
}
