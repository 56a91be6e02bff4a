import type { RequestContext } from '../../../kernel/http/context.js';
import { sendJson } from '../../../kernel/http/context.js';
import { isDomainError, type DomainErrorKind } from '../../../kernel/errors.js';
import type { DomainErrorCode } from '../../../kernel/error-codes.js';
import { BodyTooLargeError } from '../../../kernel/http/body.js';
import { statusOf, type StatusArg } from '../../../kernel/http/error-table.js';
import { RateLimitExceeded } from '../../../kernel/token-buckets.js';
import { AGENT_API_ERROR_STATUS, type AgentApiErrorCode } from '../../../wire/agent-error-codes.js';

/** An error the agent API raises itself; its status is its code's (wire/agent-error-codes.ts). */
export class AgentApiError<C extends AgentApiErrorCode = AgentApiErrorCode> extends Error {
  readonly status: number;
  constructor(
    readonly error: C,
    description: string,
    ...status: StatusArg<typeof AGENT_API_ERROR_STATUS, C>
  ) {
    super(description);
    this.status = statusOf(AGENT_API_ERROR_STATUS, error, status[0]);
  }
}

/** A domain error's status comes from its kind: never 404 (the SDKs retry it), so not_found is 400. */
const KIND_STATUS: Record<DomainErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  conflict: 409,
  not_found: 400,
  precondition_failed: 400,
  unavailable: 503,
};

/** What an agent API error response says: an AgentApiError, or a domain error as the agent API shows it. */
interface AgentFailure {
  readonly status: number;
  readonly error: AgentApiErrorCode | DomainErrorCode;
  readonly message: string;
}

function toAgentFailure(ctx: RequestContext, err: unknown): AgentFailure {
  if (err instanceof AgentApiError) return err;
  if (err instanceof BodyTooLargeError) return new AgentApiError('invalid_request', err.message, 413);
  if (err instanceof RateLimitExceeded) return new AgentApiError('too_many_requests', err.message);
  if (isDomainError(err))
    return { status: KIND_STATUS[err.kind], error: err.code ?? 'invalid_request', message: err.message };
  ctx.log.error({ err }, 'unhandled error on agent surface');
  return new AgentApiError(
    'server_error',
    `The openmi server hit an unexpected error (correlation id ${ctx.correlationId}).`,
  );
}

/**
 * The agent API's one error renderer: `{error, error_description}`, the shape the agent relays
 * to workloads unchanged (docs/wire/managed-identity.md: the SDKs read exactly these fields). Never 404 for a
 * missing identity (the SDKs retry 404 for ~25 s). A 429 carries Retry-After, which the agent
 * relays to workloads with it.
 */
export function renderAgentError(ctx: RequestContext, err: unknown): void {
  const e = toAgentFailure(ctx, err);
  const headers: Record<string, string> =
    err instanceof RateLimitExceeded ? { 'retry-after': String(err.retryAfterSeconds) } : {};
  sendJson(
    ctx.res,
    e.status,
    { error: e.error, error_description: e.message, correlation_id: ctx.correlationId },
    headers,
  );
}
