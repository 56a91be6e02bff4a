import type { RequestContext } from '../../../kernel/http/context.js';
import { versionOf } from '../blob/blob-errors.js';

/**
 * A Data Lake Storage Gen2 REST error: JSON `{"error":{"code","message"}}` and `x-ms-error-code`
 * (https://learn.microsoft.com/rest/api/storageservices/data-lake-storage-gen2).
 */
export class DfsError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const unsupportedDfs = (what: string): DfsError =>
  new DfsError(400, 'UnsupportedHttpVerb', `The operation '${what}' is not supported by openmi's dfs endpoint.`);
export const pathNotFound = (): DfsError => new DfsError(404, 'PathNotFound', 'The specified path does not exist.');
export const fsNotFound = (): DfsError =>
  new DfsError(404, 'FilesystemNotFound', 'The specified filesystem does not exist.');

export function renderDfsError(ctx: RequestContext, e: DfsError): void {
  const message = `${e.message}\nRequestId:${ctx.requestId}\nTime:${new Date().toISOString()}`;
  const body = ctx.method === 'HEAD' ? '' : JSON.stringify({ error: { code: e.code, message } });
  ctx.res.writeHead(e.status, {
    'content-type': 'application/json;charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'x-ms-error-code': e.code,
    'x-ms-request-id': ctx.requestId,
    'x-ms-version': versionOf(ctx),
    ...e.headers,
  });
  ctx.res.end(body);
}
