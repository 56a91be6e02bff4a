import type { IncomingMessage } from 'node:http';
import type { Clock } from '../kernel/clock.js';
import { IMDS_TOKEN_PATH } from './imds-fast-path.js';
import type { EndpointFailure } from './metadata-http.js';
import { hasMetadataHeader } from './metadata-params.js';
import type { SignInBuffer } from './sign-in-buffer.js';
import { UpstreamRefusal, type MintedToken } from './upstream.js';

const requestId = (req: IncomingMessage): string | null => {
  const v = req.headers['x-ms-client-request-id'];
  return typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : null;
};

/**
 * Turns the metadata endpoints' answers into sign-ins for the requests the server never saw; the
 * buffer counts them into rows per identity, audience, result and minute (docs/audit.md).
 * Requests that went to the server are its to record, one row each.
 */
export class MetadataSignIns {
  constructor(
    private readonly buffer: SignInBuffer,
    private readonly clock: Clock,
  ) {}

  /** A token answered from the cache. Hot path: one object counted; `at` saves a clock read. */
  hit(req: IncomingMessage, audience: string, token: MintedToken, latencyMs: number, at = this.clock.now()): void {
    this.buffer.record({
      at,
      correlationId: requestId(req),
      audience,
      principalId: token.objectId,
      clientId: token.clientId,
      identityResourceId: token.identityResourceId,
      result: 'success',
      errorCode: null,
      reason: null,
      latencyMs,
    });
  }

  /**
   * A token request that failed here. A refusal the server sent is already in its log; the
   * header-less, query-less IMDS GET is DefaultAzureCredential's "is there an IMDS?" probe,
   * not a token request, so it is not logged either.
   */
  failure(
    req: IncomingMessage,
    path: string,
    query: URLSearchParams,
    err: unknown,
    out: EndpointFailure,
    fromServer: boolean,
    latencyMs: number,
  ): void {
    if (fromServer && err instanceof UpstreamRefusal) return;
    if (path === IMDS_TOKEN_PATH && !hasMetadataHeader(req) && query.size === 0) return;
    this.buffer.record({
      at: this.clock.now(),
      correlationId: requestId(req),
      // An empty resource= is recorded as none, not as an empty audience.
      audience: query.get('resource') || null,
      principalId: null,
      clientId: null,
      identityResourceId: null,
      result: 'failure',
      errorCode: out.error,
      reason: out.description,
      latencyMs,
    });
  }
}
