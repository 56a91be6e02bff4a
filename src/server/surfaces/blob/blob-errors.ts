import type { RequestContext } from '../../../kernel/http/context.js';
import { headerText } from '../../../kernel/http/header-text.js';

/** A Storage REST error: the SDK reads `code` from `x-ms-error-code`, the message from the XML. */
export class StorageError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const escapeXml = (s: string): string =>
  s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
export { escapeXml as xml };

export const notFoundError = (code: 'ContainerNotFound' | 'BlobNotFound' | 'ResourceNotFound', message: string) => new StorageError(404, code, message);

/** `<Error><Code/><Message/></Error>`, as Azure writes it; HEAD responses carry only the header. */
export function renderStorageError(ctx: RequestContext, e: StorageError): void {
  const message = `${e.message}\nRequestId:${ctx.requestId}\nTime:${new Date().toISOString()}`;
  const body = ctx.method === 'HEAD' ? '' : `<?xml version="1.0" encoding="utf-8"?><Error><Code>${e.code}</Code><Message>${escapeXml(message)}</Message></Error>`;
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
