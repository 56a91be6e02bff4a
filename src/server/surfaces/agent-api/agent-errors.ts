import type { RequestContext } from '../../../kernel/http/context.js';
import { sendJson } from '../../../kernel/http/context.js';
import { isDomainError } from '../../../kernel/errors.js';
import { BodyTooLargeError } from '../../../kernel/http/body.js';
import { RateLimitExceeded } from '../../../kernel/token-buckets.js';

export class AgentApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
    /** Sent as Retry-After (429); the agent relays 429s to workloads with it. */
    readonly retryAfterSeconds?: number,
  ) {
    super(description);
  }
}

const KIND_STATUS: Record<string, number> = { invalid: 400, unauthenticated: 401, forbidden: 403, conflict: 409, not_found: 400, unavailable: 503 };

/**
 * The agent API's one error renderer: `{error, error_description}`, the shape the agent relays
 * to workloads unchanged (docs/wire/managed-identity.md: the SDKs read exactly these fields). Never 404 for a
 * missing identity (the SDKs retry 404 for ~25 s).
 */
export function renderAgentError(ctx: RequestContext, err: unknown): void {
  let e: AgentApiError;
  if (err instanceof AgentApiError) e = err;
  else if (err instanceof BodyTooLargeError) e = new AgentApiError(413, 'invalid_request', err.message);
  else if (err instanceof RateLimitExceeded) e = new AgentApiError(429, 'too_many_requests', err.message, err.retryAfterSeconds);
  else if (isDomainError(err)) e = new AgentApiError(KIND_STATUS[err.kind] ?? 400, err.code ?? 'invalid_request', err.message);
  else {
    ctx.log.error({ err }, 'unhandled error on agent surface');
    e = new AgentApiError(500, 'server_error', `The openmi server hit an unexpected error (correlation id ${ctx.correlationId}).`);
  }
  const headers: Record<string, string> = e.retryAfterSeconds === undefined ? {} : { 'retry-after': String(e.retryAfterSeconds) };
  sendJson(ctx.res, e.status, { error: e.error, error_description: e.message, correlation_id: ctx.correlationId }, headers);
}
