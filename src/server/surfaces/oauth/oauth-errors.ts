import type { RequestContext } from '../../../kernel/http/context.js';
import { sendJson } from '../../../kernel/http/context.js';
import { isDomainError } from '../../../kernel/errors.js';
import type { DomainErrorCode, TokenRefusal } from '../../../kernel/error-codes.js';
import { statusOf, type StatusArg } from '../../../kernel/http/error-table.js';
import { BodyTooLargeError } from '../../../kernel/http/body.js';
import { RateLimitExceeded } from '../../../kernel/token-buckets.js';

/**
 * OAuth error codes (RFC 6749 §5.2) with the statuses openmi sends them with. The AADSTS number
 * Entra uses for the case goes with each error; several codes cover cases with different statuses.
 */
export const OAUTH_ERROR_STATUS = {
  // 400 as RFC 6749 §5.2 says; also 404 for a path that is no endpoint, 405 for a token request
  // that is not a POST and 413 for a body over the limit, each with its own AADSTS number.
  invalid_request: [400, 404, 405, 413],
  // 401 when client authentication failed (RFC 6749 §5.2); 400 for the cases Entra answers with
  // 400 invalid_client: federated assertion problems and a client id the grant does not accept.
  invalid_client: [400, 401],
  unauthorized_client: 400,
  invalid_grant: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  invalid_resource: 400,
  // 503 while every signing worker is busy; 429 for a throttled client (Entra's AADSTS90055).
  temporarily_unavailable: [503, 429],
  server_error: 500,
} as const;

export type OAuthErrorCode = keyof typeof OAUTH_ERROR_STATUS;

export class OAuthError<C extends OAuthErrorCode = OAuthErrorCode> extends Error {
  readonly status: number;
  constructor(
    readonly error: C,
    readonly aadsts: number,
    description: string,
    ...status: StatusArg<typeof OAUTH_ERROR_STATUS, C>
  ) {
    super(description);
    this.status = statusOf(OAUTH_ERROR_STATUS, error, status[0]);
  }
}

/** Token refusals (domain) → the OAuth error and AADSTS number Entra answers the same case with. */
const REASONS: Record<TokenRefusal, (description: string) => OAuthError> = {
  unknown_client: (d) => new OAuthError('unauthorized_client', 700016, d),
  bad_secret: (d) => new OAuthError('invalid_client', 7000215, d, 401),
  unknown_tenant: (d) => new OAuthError('invalid_request', 90002, d, 400),
  // Every signing worker is saturated: a transient condition the SDKs retry (5xx), never a 500.
  signing_overloaded: (d) => new OAuthError('temporarily_unavailable', 90033, d, 503),
  // Federated exchange (tokens/federation). Entra answers invalid_client for every assertion
  // problem; MSAL turns a 400 invalid_client into AuthenticationRequiredError, not a retry.
  unknown_identity: (d) => new OAuthError('invalid_client', 700016, d, 400),
  no_matching_federated_credential: (d) => new OAuthError('invalid_client', 70021, d, 400),
  assertion_audience: (d) => new OAuthError('invalid_client', 700212, d, 400),
  assertion_malformed: (d) => new OAuthError('invalid_client', 50027, d, 400),
  assertion_signature: (d) => new OAuthError('invalid_client', 700027, d, 400),
  assertion_lifetime: (d) => new OAuthError('invalid_client', 700024, d, 400),
  issuer_keys_unavailable: (d) => new OAuthError('invalid_client', 700027, d, 400),
  // Portal login links: an unknown, used or expired code, like an expired authorization code.
  invalid_login_link: (d) => new OAuthError('invalid_grant', 70008, d),
};

const isTokenRefusal = (code: DomainErrorCode | undefined): code is TokenRefusal =>
  code !== undefined && Object.hasOwn(REASONS, code);

/** Any error thrown while serving a token request, as the OAuth error the client will see. */
export function toOAuthError(err: unknown): OAuthError {
  if (err instanceof OAuthError) return err as OAuthError;
  if (err instanceof BodyTooLargeError) return new OAuthError('invalid_request', 90004, err.message, 413);
  // Entra's own throttling answer: 429, temporarily_unavailable, AADSTS90055 (TenantThrottlingError).
  if (err instanceof RateLimitExceeded) return new OAuthError('temporarily_unavailable', 90055, err.message, 429);
  if (isDomainError(err)) {
    if (isTokenRefusal(err.code)) return REASONS[err.code](err.message);
    if (err.kind === 'invalid') return new OAuthError('invalid_request', 900144, err.message, 400);
  }
  return new OAuthError('server_error', 90033, 'The token service hit an unexpected error.');
}

/** The one place token-service errors are rendered, in Entra's shape (https://learn.microsoft.com/entra/identity-platform/reference-error-codes). */
export function renderOAuthError(ctx: RequestContext, err: unknown): void {
  const e = toOAuthError(err);
  // Sent as Retry-After with a 429: the SDKs retry a throttled request only when it is present.
  const retryAfterSeconds = err instanceof RateLimitExceeded ? err.retryAfterSeconds : undefined;
  if (e.status >= 500) ctx.log.error({ err }, 'unhandled error on token surface');
  const timestamp = new Date()
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d+Z$/, 'Z');
  sendJson(
    ctx.res,
    e.status,
    {
      error: e.error,
      error_description: `AADSTS${e.aadsts}: ${e.message} Trace ID: ${ctx.requestId} Correlation ID: ${ctx.correlationId} Timestamp: ${timestamp}`,
      error_codes: [e.aadsts],
      timestamp,
      trace_id: ctx.requestId,
      correlation_id: ctx.correlationId,
    },
    retryAfterSeconds === undefined
      ? { pragma: 'no-cache' }
      : { pragma: 'no-cache', 'retry-after': String(retryAfterSeconds) },
  );
}
