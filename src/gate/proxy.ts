import {
  Agent as HttpAgent,
  createServer,
  request as httpRequest,
  type ClientRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { DataPlaneCaller } from '../server/surfaces/data-plane-auth/data-plane-auth.js';
import { forwardHeaders, responseHeaders } from './forward-headers.js';
import { checkRequest, sendRefusal, type GateCheckOptions } from './middleware.js';
import { guarded, GuardedResponse, guardListener, refuse, type ListenerLimits } from '../kernel/http/guard.js';
import { createLogger, type Logger } from '../kernel/log.js';
import { expectsContinue, readBody, REPLAYABLE_BODY_BYTES, watchPieces, type GateBody } from './request-body.js';

type StreamedBody = Extract<GateBody, { kind: 'stream' }>;

/** Upstreams that hang must not hold gate sockets forever. */
const UPSTREAM_TIMEOUT_MS = 30_000;

/**
 * Idle upstream connections are closed after 4 s, before Node's default server keep-alive
 * timeout (5 s) closes them from the other side. That narrows, but cannot close, the window in
 * which a request is written on a connection the upstream is closing: it then fails with
 * ECONNRESET before any answer. How the gate avoids answering 502 to that is in `send`.
 */
const IDLE_UPSTREAM_MS = 4_000;
/** Connections kept open between requests, for requests that may be sent again. */
const pooled = {
  'http:': new HttpAgent({ keepAlive: true, timeout: IDLE_UPSTREAM_MS }),
  'https:': new HttpsAgent({ keepAlive: true, timeout: IDLE_UPSTREAM_MS }),
};
/** A new connection per request, closed after it: it cannot have been closed by the upstream while idle. */
const fresh = { 'http:': new HttpAgent(), 'https:': new HttpsAgent() };

/** Methods whose requests may be repeated automatically after a failed connection (RFC 9110 §9.2.2). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'TRACE']);
/**
 * How long a streamed body waits for the upstream's 100 (Continue): an upstream that ignores the
 * expectation gets the body anyway after this (RFC 9110 §10.1.1 lets the client proceed; curl waits 1 s).
 */
const CONTINUE_WAIT_MS = 1_000;

function fail(res: ServerResponse, status: 500 | 502, code: string, message: string): void {
  if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code, message } }));
}

/** One request as it goes upstream: the authorized target, the gate's headers and the body read so far. */
interface Outgoing {
  upstream: URL;
  method: string;
  path: string;
  headers: OutgoingHttpHeaders;
  body: GateBody;
}

/**
 * Sends `o` upstream and relays the answer. A connection the upstream closed while it sat idle
 * in the pool fails with ECONNRESET before any answer, however short the gate keeps idle
 * connections, so:
 * - a request that may be repeated (idempotent method, RFC 9110 §9.2.2, and no body or a body read
 *   whole) goes on a pooled connection and, if that reused connection is reset before any answer
 *   byte, is sent once more on a fresh one, as Node's documentation advises
 *   (https://nodejs.org/api/http.html#requestreusedsocket);
 * - every other request goes on a fresh connection, never reused, so it cannot meet that reset:
 *   "A proxy MUST NOT automatically retry non-idempotent requests" (RFC 9110 §9.2.2), and a
 *   streamed body cannot be sent twice.
 */
function send(o: Outgoing, res: ServerResponse, reuse: boolean, req: IncomingMessage): void {
  const retriable = reuse && o.body.kind !== 'stream' && IDEMPOTENT.has(o.method);
  const streamed = o.body.kind === 'stream';
  let answered = false;
  const out = (o.upstream.protocol === 'https:' ? httpsRequest : httpRequest)(
    {
      protocol: o.upstream.protocol,
      hostname: o.upstream.hostname,
      port: o.upstream.port,
      method: o.method,
      path: o.path,
      headers: streamed ? { ...o.headers, expect: '100-continue' } : o.headers,
      timeout: UPSTREAM_TIMEOUT_MS,
      agent: (retriable ? pooled : fresh)[o.upstream.protocol === 'https:' ? 'https:' : 'http:'],
    },
    (up) => {
      answered = true;
      relay(up, res);
    },
  );
  out.on('timeout', () => out.destroy(new Error('upstream timed out')));
  out.on('error', (err: NodeJS.ErrnoException) => {
    if (retriable && !answered && out.reusedSocket && err.code === 'ECONNRESET') return send(o, res, false, req);
    // Once answering, how the answer ends is relay's to decide.
    if (!answered) fail(res, 502, 'BadGateway', 'The upstream did not answer.');
  });
  // A client gone before the answer is complete: nothing is waiting for the upstream any more.
  res.on('close', () => res.writableFinished || out.destroy());
  if (o.body.kind === 'stream') sendAfterContinue(out, o.body, req, res);
  else out.end(o.body.kind === 'whole' ? o.body.bytes : undefined);
}

/**
 * Relays the upstream's answer. One cut short (fewer bytes than its Content-Length, no last chunk)
 * is cut short for the client too, never ended as if whole (RFC 9112 §8); one delimited by the
 * upstream closing the connection is whole however it closed (RFC 9112 §6.3).
 */
function relay(up: IncomingMessage, res: ServerResponse): void {
  res.writeHead(up.statusCode ?? 502, responseHeaders(up.headers));
  up.pipe(res);
  up.on('close', () => up.complete || res.destroy());
}

/**
 * A streamed body is announced with `Expect: 100-continue` and sent once the upstream asks for it
 * (or after CONTINUE_WAIT_MS). An upstream that refuses the head (431 past its header limit, 413,
 * 401) answers before any body byte is sent, so its answer reaches the client; without this, it
 * closes the connection under the body and the gate sees only ECONNRESET.
 */
function sendAfterContinue(out: ClientRequest, body: StreamedBody, req: IncomingMessage, res: ServerResponse): void {
  let started = false;
  const start = (): void => {
    if (started) return;
    started = true;
    clearTimeout(timer);
    // The client was told to send its body only if part of it was already read (readBody).
    if (body.head.length === 0 && expectsContinue(req)) res.writeContinue();
    for (const chunk of body.head) out.write(chunk);
    body.rest.pipe(out);
    watchPieces(body.rest, body.head, (pieces, bytes) => {
      body.rest.unpipe(out);
      out.destroy();
      if (res.headersSent) res.destroy();
      else tooFragmentedAnswer(res, pieces, bytes);
    });
  };
  const timer = setTimeout(start, CONTINUE_WAIT_MS);
  out.on('continue', start).on('close', () => clearTimeout(timer));
  out.once('response', (up) => {
    if (started) return;
    // A final answer instead of 100: the body is not sent, and this connection is done.
    started = true;
    clearTimeout(timer);
    up.on('end', () => out.destroy());
  });
}

/** 413 for a body in too many tiny pieces (kernel/http/body.ts `tooFragmented`); the guard then closes the connection. */
function tooFragmentedAnswer(res: ServerResponse, pieces: number, bytes: number): void {
  refuse(
    res,
    'arm',
    413,
    'RequestBodyTooFragmented',
    `The request body arrived in ${pieces} pieces for ${bytes} bytes, more than the gate forwards; send it with Content-Length or in larger chunks.`,
  );
}

/** Sends `target` (the normalized path and query that were authorized, never req.url) upstream. */
async function forward(
  upstream: URL,
  req: IncomingMessage,
  res: ServerResponse,
  target: string,
  caller: DataPlaneCaller | undefined,
): Promise<void> {
  const headers = forwardHeaders(req.headers, {
    remoteAddress: req.socket.remoteAddress,
    upstreamHost: upstream.host,
    caller,
  });
  const body = await readBody(req, res, REPLAYABLE_BODY_BYTES);
  if (!body) return; // the client went away
  if (body.kind === 'fragmented') return tooFragmentedAnswer(res, body.pieces, body.bytes);
  const path = `${upstream.pathname.replace(/\/$/, '')}${target}`;
  send({ upstream, method: req.method ?? 'GET', path, headers, body }, res, true, req);
}

/** A bearer token may take 16 KiB, plus the application's own headers. */
export const GATE_LIMITS: ListenerLimits = {
  maxHeaderBytes: 32 * 1024,
  maxUrlBytes: 8 * 1024,
  maxConnectionsPerClient: 256,
};

/** `openmi gate`: verifies the caller, checks RBAC, forwards with the caller's identity in headers. */
export function createGate(o: GateCheckOptions & { upstream: string; log?: Logger; limits?: ListenerLimits }): Server {
  const upstream = new URL(o.upstream);
  const log = o.log ?? createLogger('warn');
  const limits = o.limits ?? GATE_LIMITS;
  const server = createServer({ maxHeaderSize: limits.maxHeaderBytes, ServerResponse: GuardedResponse });
  const admit = guardListener(server, { log, limits, envelope: 'arm' });
  // No request ends the gate: what the check or the forwarding throws is answered 500 by the boundary (docs/security.md, finding 1).
  const onRequest = guarded(log, 'arm', async (req, res) => {
    if (!admit(req, res)) return;
    const d = await checkRequest(o, req);
    if (d.ok) await forward(upstream, req, res, d.target, d.caller);
    else sendRefusal(res, d, o);
  });
  server.on('request', onRequest);
  // A client that sent `Expect: 100-continue` is told to send its body only once the gate will
  // read it: not before a refusal, which it answers at once (RFC 9110 §10.1.1), and for a large
  // body not before the upstream asked for it (request-body.ts, sendAfterContinue).
  server.on('checkContinue', onRequest);
  server.requestTimeout = UPSTREAM_TIMEOUT_MS * 2;
  server.headersTimeout = 10_000;
  return server;
}
