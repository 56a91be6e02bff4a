import { randomBytes } from 'node:crypto';
import type { RequestContext } from '../../../kernel/http/context.js';
import { BodyTooLargeError, bodyRefusal, readBody } from '../../../kernel/http/body.js';
import { MAX_BLOB_BYTES } from '../blob/blob-handlers.js';
import { versionOf } from '../blob/blob-errors.js';
import type { BlobRecord } from '../../../store/storage.js';
import type { DfsOp } from './dfs-ops.js';
import { DfsError } from './dfs-errors.js';

/** One authorized dfs request. `caller`: the object id, or `$superuser` under Shared Key. */
export interface DfsTarget {
  ctx: RequestContext;
  op: DfsOp;
  account: string;
  caller: string;
}

/** Azure marks a directory of a hierarchical namespace as a blob with this metadata. */
export const FOLDER_META = 'hdi_isfolder';
export const isFolder = (b: BlobRecord): boolean => b.metadata[FOLDER_META] === 'true';
export const newEtag = (): string => `"0x${randomBytes(8).toString('hex').toUpperCase()}"`;
export const httpDate = (ms: number): string => new Date(ms).toUTCString();

export function sendDfs(
  t: DfsTarget,
  status: number,
  headers: Record<string, string>,
  body: Buffer | string = '',
): void {
  const payload = t.ctx.method === 'HEAD' ? '' : body;
  t.ctx.res.writeHead(status, {
    'x-ms-request-id': t.ctx.requestId,
    'x-ms-version': versionOf(t.ctx),
    date: new Date().toUTCString(),
    'content-length': String(Buffer.byteLength(body)),
    ...headers,
  });
  t.ctx.res.end(payload);
}

export async function dfsBody(t: DfsTarget): Promise<Buffer> {
  try {
    return await readBody(t.ctx.req, MAX_BLOB_BYTES);
  } catch (e) {
    if (e instanceof BodyTooLargeError)
      throw new DfsError(
        413,
        'RequestBodyTooLarge',
        bodyRefusal(e, `The request body exceeds ${MAX_BLOB_BYTES} bytes (ADR 0007).`),
      );
    throw e;
  }
}

export const header = (t: DfsTarget, name: string): string | undefined => {
  const v = t.ctx.req.headers[name];
  return typeof v === 'string' && v !== '' ? v : undefined;
};

/** `position` of append and flush: a non-negative integer. */
export function positionOf(t: DfsTarget): number {
  const raw = t.ctx.query.get('position') ?? '';
  if (!/^\d{1,15}$/.test(raw))
    throw new DfsError(
      400,
      'InvalidQueryParameterValue',
      "The value for one of the query parameters 'position' is not valid.",
    );
  return Number(raw);
}
