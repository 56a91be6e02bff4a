import type { AgentApiErrorCode } from '../wire/agent-error-codes.js';
import type { ArmErrorCode } from '../wire/arm-error-codes.js';

/**
 * Why the token service refused a grant or could not sign. Not wire codes: the OAuth surface maps
 * each to an OAuth error and AADSTS number (surfaces/oauth/oauth-errors.ts). `signing_overloaded`
 * can also reach the agent API and Resource Manager, which show a domain error's code as it is.
 */
export type TokenRefusal =
  | 'unknown_client'
  | 'bad_secret'
  | 'unknown_tenant'
  | 'signing_overloaded'
  | 'unknown_identity'
  | 'no_matching_federated_credential'
  | 'assertion_audience'
  | 'assertion_malformed'
  | 'assertion_signature'
  | 'assertion_lifetime'
  | 'issuer_keys_unavailable'
  | 'invalid_login_link';

/**
 * Every code a `DomainError` may carry: a closed set, so a misspelt code fails to compile. Domain
 * code names the code the caller's surface shows (Resource Manager's or the agent API's, from
 * src/wire) or a token refusal; the HTTP status comes from the error's kind.
 */
export type DomainErrorCode = ArmErrorCode | AgentApiErrorCode | TokenRefusal;
