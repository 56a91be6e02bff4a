import type { RequestContext } from '../../../kernel/http/context.js';
import { sendJson } from '../../../kernel/http/context.js';
import { isDomainError } from '../../../kernel/errors.js';
import { BodyTooLargeError } from '../../../kernel/http/body.js';
import { RateLimitExceeded } from '../../../kernel/token-buckets.js';

/** OAuth error codes (RFC 6749 §5.2) with the AADSTS number Entra uses for the same case. */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'unauthorized_client'
  | 'invalid_grant'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'invalid_resource'
  | 'temporarily_unavailable'
  | 'server_error';

export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: OAuthErrorCode,
    readonly aadsts: number,
    description: string,
    /** Sent as Retry-After (429): the SDKs retry a throttled request only when it is present. */
    readonly retryAfterSeconds?: number,
  ) {
    super(description);
  }
}

/** Domain failure reasons → (status, OAuth code, AADSTS code). */
const REASONS: Record<string, [number, OAuthErrorCode, number]> = {
  unknown_client: [400, 'unauthorized_client', 700016],
  bad_secret: [401, 'invalid_client', 7000215],
  unknown_tenant: [400, 'invalid_request', 90002],
  // Every signing worker is saturated: a transient condition the SDKs retry (5xx), never a 500.
  signing_overloaded: [503, 'temporarily_unavailable', 90033],
  // Federated exchange (tokens/federation). Entra answers invalid_client for every assertion
  // problem; MSAL turns a 400 invalid_client into AuthenticationRequiredError, not a retry.
  unknown_identity: [400, 'invalid_client', 700016],
  no_matching_federated_credential: [400, 'invalid_client', 70021],
  assertion_audience: [400, 'invalid_client', 700212],
  assertion_malformed: [400, 'invalid_client', 50027],
  assertion_signature: [400, 'invalid_client', 700027],
  assertion_lifetime: [400, 'invalid_client', 700024],
  issuer_keys_unavailable: [400, 'invalid_client', 700027],
  // Portal login links: an unknown, used or expired code, like an expired authorization code.
  invalid_login_link: [400, 'invalid_grant', 70008],
};

/** Any error thrown while serving a token request, as the OAuth error the client will see. */
export function toOAuthError(err: unknown): OAuthError {
  if (err instanceof OAuthError) return err;
  if (err instanceof BodyTooLargeError) return new OAuthError(413, 'invalid_request', 90004, err.message);
  // Entra's own throttling answer: 429, temporarily_unavailable, AADSTS90055 (TenantThrottlingError).
  if (err instanceof RateLimitExceeded) return new OAuthError(429, 'temporarily_unavailable', 90055, err.message, err.retryAfterSeconds);
  if (isDomainError(err)) {
    const mapped = err.code ? REASONS[err.code] : undefined;
    if (mapped) return new OAuthError(mapped[0], mapped[1], mapped[2], err.message);
    if (err.kind === 'invalid') return new OAuthError(400, 'invalid_request', 900144, err.message);
  }
  return new OAuthError(500, 'server_error', 90033, 'The token service hit an unexpected error.');
}

/** The one place token-service errors are rendered, in Entra's shape (https://learn.microsoft.com/entra/identity-platform/reference-error-codes). */
export function renderOAuthError(ctx: RequestContext, err: unknown): void {
  const e = toOAuthError(err);
  if (e.status >= 500) ctx.log.error({ err }, 'unhandled error on token surface');
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
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
    e.retryAfterSeconds === undefined ? { pragma: 'no-cache' } : { pragma: 'no-cache', 'retry-after': String(e.retryAfterSeconds) },
  );
}
