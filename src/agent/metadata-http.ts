import * as crypto from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RenderedBody } from './metadata-bodies.js';
import { UpstreamRefusal, UpstreamUnavailable } from './upstream.js';

/** The codes the metadata endpoints answer with themselves, and their status. */
export const METADATA_ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  browser_request_refused: 403,
  host_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_too_large: 413,
  server_error: 500,
  service_unavailable: 503,
} as const;

export type MetadataErrorCode = keyof typeof METADATA_ERROR_STATUS;

/**
 * What a metadata endpoint answers when it cannot give a token. Always rendered as JSON
 * `{error, error_description}`: MSAL reads failures from the body, and reports a non-JSON error
 * body as "network unreachable", hiding the real reason from the user.
 */
export interface EndpointFailure {
  readonly status: number;
  /** A MetadataErrorCode, or the openmi server's own code when its refusal is relayed (docs/agent-protocol.md). */
  readonly error: string;
  readonly description: string;
  readonly headers: Record<string, string>;
}

/** A failure the agent decides itself; its status is its code's. */
export class EndpointError extends Error implements EndpointFailure {
  readonly status: number;
  constructor(
    readonly error: MetadataErrorCode,
    readonly description: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(description);
    this.status = METADATA_ERROR_STATUS[error];
  }
}

export const badRequest = (description: string): EndpointError => new EndpointError('invalid_request', description);

/** Every JSON answer's headers; tokens must never sit in a shared cache. */
export const jsonHeaders = (length: number): Record<string, string | number> => ({
  'content-type': 'application/json; charset=utf-8',
  'content-length': length,
  'cache-control': 'no-store',
});

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { ...jsonHeaders(Buffer.byteLength(text)), ...headers });
  res.end(text);
}

/** A 200 whose body and headers were serialized earlier (see `renderedBody`). */
export function sendRendered(res: ServerResponse, rendered: RenderedBody): void {
  res.writeHead(200, rendered.headers);
  res.end(rendered.body);
}

export function sendError(res: ServerResponse, err: EndpointFailure): void {
  sendJson(res, err.status, { error: err.error, error_description: err.description }, err.headers);
}

// Statuses the SDKs treat as final caller errors. 404 and 410 are deliberately absent: every
// SDK retries them for ~25 s, so "no such identity" must never look like one.
const RELAYED = new Set([400, 401, 403]);

/** One place decides how the openmi server's answers reach the workload. */
export function toEndpointError(err: unknown): EndpointFailure {
  if (err instanceof EndpointError) return err;
  if (err instanceof UpstreamRefusal) {
    const { error, description } = err;
    if (err.status === 429) return { status: 429, error, description, headers: { 'retry-after': '1' } };
    return { status: RELAYED.has(err.status) ? err.status : 400, error, description, headers: {} };
  }
  if (err instanceof UpstreamUnavailable) return unavailable(err.message);
  return new EndpointError('server_error', 'The openmi agent failed unexpectedly; see its log.');
}

/**
 * 503 with Retry-After: the SDKs wait exactly that long and retry (3 times standalone, 5 in
 * DefaultAzureCredential), which rides out a server restart without failing the workload.
 */
export function unavailable(detail: string): EndpointError {
  return new EndpointError(
    'service_unavailable',
    `The openmi server is unreachable and no cached token can be served (${detail}). Retry shortly.`,
    { 'retry-after': '1' },
  );
}

/**
 * Constant-time check of one secret, on the raw bytes: no hash per request. App Service clients
 * send the secret on every token request, and hashing it (even with one-shot `crypto.hash`) was
 * the largest cost a cached App Service answer had over an IMDS one (docs/performance.md). A
 * length mismatch returns early, which reveals only the secret's length: openmi generates it as
 * 32 random bytes in base64url (agent-runtime.ts), so its length is public anyway.
 */
export class SecretDigest {
  private readonly expected: Buffer;

  constructor(expected: string) {
    this.expected = Buffer.from(expected, 'utf8');
  }

  matches(given: string | string[] | undefined): boolean {
    if (typeof given !== 'string' || given.length === 0) return false;
    const bytes = Buffer.from(given, 'utf8');
    return bytes.length === this.expected.length && crypto.timingSafeEqual(bytes, this.expected);
  }
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** The SDK's own request id when it looks like one, so agent, server and client logs line up. */
export function correlationIdOf(req: IncomingMessage, newId: () => string): string {
  const inbound = req.headers['x-ms-client-request-id'];
  return typeof inbound === 'string' && SAFE_ID.test(inbound) ? inbound : newId();
}
