import type { RequestContext } from '../../../kernel/http/context.js';
import { headerText } from '../../../kernel/http/header-text.js';

/**
 * The Storage error codes openmi's blob service sends, with their status (Azure's lists:
 * https://learn.microsoft.com/rest/api/storageservices/common-rest-api-error-codes and
 * https://learn.microsoft.com/rest/api/storageservices/blob-service-error-codes and
 * https://learn.microsoft.com/rest/api/storageservices/queue-service-error-codes and
 * https://learn.microsoft.com/rest/api/storageservices/table-service-error-codes).
 */
export const STORAGE_ERROR_STATUS = {
  InvalidHeaderValue: 400,
  InvalidQueryParameterValue: 400,
  InvalidResourceName: 400,
  InvalidBlockList: 400,
  UnsupportedHeader: 400,
  UnsupportedHttpVerb: 400,
  OutOfRangeQueryParameterValue: 400,
  MissingRequiredQueryParameter: 400,
  InvalidXmlDocument: 400,
  PopReceiptMismatch: 400,
  InvalidInput: 400,
  MissingRequiredHeader: 400,
  PropertiesNeedValue: 400,
  CommandsInBatchActOnDifferentPartitions: 400,
  InvalidDuplicateRow: 400,
  NoAuthenticationInformation: 401,
  InvalidAuthenticationInfo: 401,
  AuthenticationFailed: 403,
  AuthorizationFailure: 403,
  AuthorizationPermissionMismatch: 403,
  AuthorizationProtocolMismatch: 403,
  AuthorizationResourceTypeMismatch: 403,
  AuthorizationServiceMismatch: 403,
  AuthorizationSourceIPMismatch: 403,
  KeyBasedAuthenticationNotPermitted: 403,
  ResourceNotFound: 404,
  ContainerNotFound: 404,
  BlobNotFound: 404,
  QueueNotFound: 404,
  MessageNotFound: 404,
  TableNotFound: 404,
  ContainerAlreadyExists: 409,
  QueueAlreadyExists: 409,
  TableAlreadyExists: 409,
  EntityAlreadyExists: 409,
  UpdateConditionNotSatisfied: 412,
  BlockCountExceedsLimit: 409,
  RequestBodyTooLarge: 413,
  InvalidRange: 416,
  InternalError: 500,
} as const;

export type StorageErrorCode = keyof typeof STORAGE_ERROR_STATUS;

/** A Storage REST error: the SDK reads `code` from `x-ms-error-code`, the message from the XML. */
export class StorageError extends Error {
  readonly status: number;
  constructor(
    readonly code: StorageErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.status = STORAGE_ERROR_STATUS[code];
  }
}

const escapeXml = (s: string): string =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
export { escapeXml as xml };

export const notFoundError = (code: 'ContainerNotFound' | 'BlobNotFound' | 'ResourceNotFound', message: string) =>
  new StorageError(code, message);

/** `<Error><Code/><Message/></Error>`, as Azure writes it; HEAD responses carry only the header. */
export function renderStorageError(ctx: RequestContext, e: StorageError): void {
  const message = `${e.message}\nRequestId:${ctx.requestId}\nTime:${new Date().toISOString()}`;
  const body =
    ctx.method === 'HEAD'
      ? ''
      : `<?xml version="1.0" encoding="utf-8"?><Error><Code>${e.code}</Code><Message>${escapeXml(message)}</Message></Error>`;
  ctx.res.writeHead(e.status, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    'x-ms-error-code': e.code,
    'x-ms-request-id': ctx.requestId,
    'x-ms-version': versionOf(ctx),
    ...e.headers,
  });
  ctx.res.end(body);
}

/** We answer in the caller's version: no feature here depends on it (ADR 0007). Echoed, so bounded. */
export const versionOf = (ctx: RequestContext): string => {
  const v = ctx.req.headers['x-ms-version'];
  return typeof v === 'string' && v ? headerText(v, 32) : '2026-04-06';
};
