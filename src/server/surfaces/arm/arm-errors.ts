import type { RequestContext } from '../../../kernel/http/context.js';
import { sendJson } from '../../../kernel/http/context.js';
import { isDomainError, type DomainErrorKind } from '../../../kernel/errors.js';
import { BodyTooLargeError, bodyRefusal } from '../../../kernel/http/body.js';
import { headerText } from '../../../kernel/http/header-text.js';
import type { FixedStatusCode } from '../../../kernel/http/error-table.js';
import type { DomainErrorCode } from '../../../kernel/error-codes.js';
import { ARM_ERROR_STATUS, type ArmErrorCode } from '../../../wire/arm-error-codes.js';

/** Codes an ARM error response can carry: the surface's own, and a domain error's code as it is. */
export type ArmWireCode = ArmErrorCode | DomainErrorCode;

/** The codes the table gives one status: the ones ArmError takes. */
export type ArmFixedStatusCode = FixedStatusCode<typeof ARM_ERROR_STATUS>;

/** An error the ARM surface raises itself; its status is its code's (wire/arm-error-codes.ts). */
export class ArmError extends Error {
  readonly status: number;
  constructor(
    readonly code: ArmFixedStatusCode,
    message: string,
    readonly target?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = ARM_ERROR_STATUS[code];
  }
}

/** What an ARM error response says: an ArmError, or a domain error as ARM shows it. */
export interface ArmFailure {
  readonly status: number;
  readonly code: ArmWireCode;
  readonly message: string;
  readonly target?: string | undefined;
  readonly headers: Record<string, string>;
}

/**
 * A domain error's status is that of its kind's own code, whatever code it carries: the kind says
 * what went wrong (one code, RoleDefinitionDoesNotExist, is thrown with two kinds).
 */
const KIND: Record<DomainErrorKind, ArmFixedStatusCode> = {
  not_found: 'ResourceNotFound',
  conflict: 'Conflict',
  invalid: 'BadRequest',
  unauthenticated: 'AuthenticationFailed',
  forbidden: 'AuthorizationFailed',
  precondition_failed: 'PreconditionFailed',
  unavailable: 'ServiceUnavailable',
};

export function toArmError(err: unknown): ArmFailure {
  if (err instanceof ArmError) return err;
  if (err instanceof BodyTooLargeError) {
    return new ArmError(
      'RequestEntityTooLarge',
      bodyRefusal(err, `The request body is larger than the limit of ${err.limit} bytes. Send a smaller body.`),
    );
  }
  if (isDomainError(err)) {
    const kindCode = KIND[err.kind];
    return {
      status: ARM_ERROR_STATUS[kindCode],
      code: err.code ?? kindCode,
      message: err.message,
      target: err.target,
      headers: {},
    };
  }
  return new ArmError(
    'InternalServerError',
    'The server hit an unexpected error. Quote the x-ms-request-id header when reporting it.',
  );
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
  const body = {
    error: {
      code: e.code,
      message: e.message,
      ...(e.target ? { target: e.target } : {}),
      details: [],
      additionalInfo: [],
    },
  };
  sendJson(ctx.res, e.status, body, { ...armHeaders(ctx), ...e.headers });
}
