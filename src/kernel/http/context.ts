import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';

/** What every surface handler gets for one request. */
export interface RequestContext {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly method: string;
  /** Normalized path (slashes collapsed, no trailing slash), still percent-encoded. */
  readonly path: string;
  /** Decoded path segments. */
  readonly segments: string[];
  readonly query: URLSearchParams;
  readonly rawQuery: string;
  /** Host name the client used, lower-cased, without port. */
  readonly hostname: string;
  readonly requestId: string;
  readonly correlationId: string;
  readonly log: Logger;
  readonly startedAt: number;
  /**
   * What the request did, for metrics, when a surface says so: a name from a small fixed set
   * (the token endpoints put the grant flow here), never anything the caller chose.
   */
  operation?: string;
}

/**
 * A wire surface (ARM, OAuth, health, data planes). Each renders its own errors in exactly one
 * place, `renderError`, so envelopes never mix.
 */
export interface Surface {
  readonly name: string;
  matches(ctx: RequestContext): boolean;
  handle(ctx: RequestContext): Promise<void>;
  renderError(ctx: RequestContext, err: unknown): void;
  /** Ends long-lived responses (event streams) so the listener can close. */
  close?(): void;
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  sendJsonText(res, status, body === undefined ? '' : JSON.stringify(body), headers);
}

/** Like sendJson, for a body already serialized (a hot path that builds its JSON itself). */
export function sendJsonText(
  res: ServerResponse,
  status: number,
  payload: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(payload),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(payload);
}

export function sendEmpty(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-length': 0, ...headers });
  res.end();
}
