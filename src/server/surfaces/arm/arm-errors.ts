import type { RequestContext } from '../../../kernel/http/context.js';
import { sendJson } from '../../../kernel/http/context.js';
import { isDomainError, type DomainErrorKind } from '../../../kernel/errors.js';
import { BodyTooLargeError } from '../../../kernel/http/body.js';
import { headerText } from '../../../kernel/http/header-text.js';

/** ARM error codes openmi emits (docs/wire/arm.md#errors). Codes are exact; clients switch on them. */
export type ArmErrorCode =
  | 'MissingApiVersionParameter'
  | 'InvalidApiVersionParameter'
  | 'NoRegisteredProviderFound'
  | 'InvalidResourceType'
  | 'InvalidResourceName'
  | 'InvalidResourceLocation'
  | 'LocationNotAvailableForResourceType'
  | 'InvalidRequestContent'
  | 'RequestEntityTooLarge'
  | 'SubscriptionNotFound'
  | 'ResourceGroupNotFound'
  | 'ResourceNotFound'
  | 'NotFound'
  | 'MethodNotAllowed'
  | 'Conflict'
  | 'BadRequest'
  | 'AuthenticationFailed'
  | 'InvalidAuthenticationToken'
  | 'ExpiredAuthenticationToken'
  | 'AuthorizationFailed'
  | 'LinkedAuthorizationFailed'
  | 'PreconditionFailed'
  | 'ServiceUnavailable'
  | 'InternalServerError';

export class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: ArmErrorCode | string,
    message: string,
    readonly target?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const KIND: Record<DomainErrorKind, [number, ArmErrorCode]> = {
  not_found: [404, 'ResourceNotFound'],
  conflict: [409, 'Conflict'],
  invalid: [400, 'BadRequest'],
  unauthenticated: [401, 'AuthenticationFailed'],
  forbidden: [403, 'AuthorizationFailed'],
  precondition_failed: [412, 'PreconditionFailed'],
  unavailable: [503, 'ServiceUnavailable'],
};

export function toArmError(err: unknown): ArmError {
  if (err instanceof ArmError) return err;
  if (err instanceof BodyTooLargeError) {
    return new ArmError(413, 'RequestEntityTooLarge', `The request body is larger than the limit of ${err.limit} bytes. Send a smaller body.`);
  }
  if (isDomainError(err)) {
    const [status, code] = KIND[err.kind];
    return new ArmError(status, err.code ?? code, err.message, err.target);
  }
  return new ArmError(500, 'InternalServerError', 'The server hit an unexpected error. Quote the x-ms-request-id header when reporting it.');
}

/** Headers every ARM response carries, errors included (docs/wire/arm.md). */
export function armHeaders(ctx: RequestContext): Record<string, string> {
  const h: Record<string, string> = {
    'x-ms-request-id': ctx.requestId,
    'x-ms-correlation-request-id': ctx.correlationId,
    'x-ms-routing-request-id': `LOCAL:${new Date().toISOString().replace(/[-:]|\.\d+/g, '')}:${ctx.requestId}`,
  };
  const clientId = ctx.req.headers['x-ms-client-request-id'];
  if (typeof clientId === 'string' && clientId.length <= 128) h['x-ms-client-request-id'] = headerText(clientId, 128);
  return h;
}

/** The one place ARM errors are rendered. Internal errors are logged with their stack, never sent. */
export function renderArmError(ctx: RequestContext, err: unknown): void {
  const e = toArmError(err);
  if (e.status >= 500) ctx.log.error({ err }, 'unhandled error on ARM surface');
  const body = { error: { code: e.code, message: e.message, ...(e.target ? { target: e.target } : {}), details: [], additionalInfo: [] } };
  sendJson(ctx.res, e.status, body, { ...armHeaders(ctx), ...e.headers });
}
