import { ServerResponse, type Server as HttpServer, type IncomingMessage } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { Logger } from '../log.js';
import { logText } from './header-text.js';

/**
 * The limits every openmi listener enforces before a request reaches a surface (docs/security.md): the
 * server's in the config schema (docs/config.md), the agent's and the gate's as defaults below.
 */
export interface ListenerLimits {
  /** Request line plus headers; more is answered 431 by Node's parser (`maxHeaderSize`). */
  maxHeaderBytes: number;
  /** The request target; longer is answered 414. Keep it below maxHeaderBytes, which includes it. */
  maxUrlBytes: number;
  /** Open connections from one client address; past it each request is answered 429 and closed. */
  maxConnectionsPerClient: number;
  /** Where the limits are set, named in the refusals so an operator knows what to raise. */
  settings?: { header: string; url: string; connections: string };
}

/** How a listener words its errors: `{error:{code,message}}` (ARM, gate) or `{error,error_description}` (IMDS, MSAL). */
export type ErrorEnvelope = 'arm' | 'oauth';

export interface GuardOptions {
  log: Logger;
  limits: ListenerLimits;
  envelope: ErrorEnvelope;
}

/** Connections past twice the bound are not worth a TLS handshake or an answer: they are cut at once. */
const HARD_FACTOR = 2;

export function errorBody(envelope: ErrorEnvelope, code: string, message: string): string {
  return JSON.stringify(
    envelope === 'arm' ? { error: { code, message } } : { error: code, error_description: message },
  );
}

/** Answers and closes the connection; if even that fails, the socket is destroyed. Never throws. */
export function refuse(
  res: ServerResponse,
  envelope: ErrorEnvelope,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  try {
    if (res.headersSent || res.writableEnded) {
      res.destroy();
      return;
    }
    for (const name of res.getHeaderNames()) res.removeHeader(name);
    const body = errorBody(envelope, code, message);
    res.writeHead(status, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': Buffer.byteLength(body),
      'cache-control': 'no-store',
      connection: 'close',
      ...headers,
    });
    res.end(body);
  } catch {
    res.destroy();
  }
}

/**
 * The last-resort boundary: whatever escaped a surface's own error handling (its renderer
 * included) is logged and answered 500, and the process keeps serving. Never throws.
 */
export function lastResort(res: ServerResponse, log: Logger, envelope: ErrorEnvelope, err: unknown): void {
  try {
    log.error({ err }, 'request failed outside its surface error handling; answered 500');
  } catch {
    // a logger that throws must not stop the answer
  }
  refuse(
    res,
    envelope,
    500,
    envelope === 'arm' ? 'InternalServerError' : 'server_error',
    'The server hit an unexpected error; it has been logged. Retry, or report it with the time of the request.',
  );
}

/** Runs one request's handler so that neither a throw nor a rejected promise can leave the boundary. */
export function guarded(
  log: Logger,
  envelope: ErrorEnvelope,
  handler: (req: IncomingMessage, res: ServerResponse) => unknown,
) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    try {
      const done = handler(req, res);
      if (done instanceof Promise) done.catch((err: unknown) => lastResort(res, log, envelope, err));
    } catch (err) {
      lastResort(res, log, envelope, err);
    }
  };
}

const CLIENT_ERRORS: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
};

/** A raw answer on a socket the HTTP parser gave up on: there is no ServerResponse to use. */
function rawAnswer(o: GuardOptions, code: string | undefined): string {
  const [status, reason] = CLIENT_ERRORS[code ?? ''] ?? [400, 'Bad Request'];
  const s = o.limits.settings;
  const message =
    status === 431
      ? `The request line and headers exceed ${o.limits.maxHeaderBytes} bytes${s ? ` (${s.header})` : ''}; send smaller headers.`
      : status === 408
        ? 'The request was not received in time; send it again without pausing.'
        : `The request is not valid HTTP/1.1 (${logText(code ?? 'parse error', 64)}); fix the client.`;
  const body = errorBody(o.envelope, status === 400 ? 'BadRequest' : reason.replace(/ /g, ''), message);
  return `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}

/** How long a refused connection keeps reading (and dropping) what the client still sends. */
const LINGER_MS = 2_000;

/**
 * Malformed HTTP (Node's 'clientError'): answered 400, 431 or 408 and closed, like Node's own
 * default but in this listener's envelope; a socket that is mid-answer or gone is destroyed.
 * The answer is written once: Node feeds the rest of the client's bytes to the failed parser
 * and reports each as another clientError. Destroying the socket then (Node's default) resets
 * the connection while the client is still sending, and the reset discards the answer before
 * the client reads it; so the socket lingers, reading, until the client closes or LINGER_MS.
 */
function onClientError(o: GuardOptions) {
  const answered = new WeakSet<Duplex>();
  return (err: NodeJS.ErrnoException, socket: Duplex): void => {
    try {
      if (answered.has(socket)) return;
      o.log.debug({ code: logText(err.code ?? '', 64) }, 'malformed request refused');
      // Node's default does the same check: an answer already under way cannot get a second status line.
      const inFlight = (socket as { _httpMessage?: { headersSent?: boolean } })._httpMessage;
      if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) return void socket.destroy();
      answered.add(socket);
      socket.end(rawAnswer(o, err.code));
      setTimeout(() => socket.destroy(), LINGER_MS).unref();
    } catch {
      socket.destroy();
    }
  };
}

/**
 * For a request that declared a body: an answer whose head goes out before that body has been read
 * to its end says `Connection: close`, and the connection is closed once the answer is out.
 *
 * Why: to keep such a connection, Node reads and parses the rest of the body, whatever its length,
 * and a chunked body costs ~2 µs a chunk: 20 MB of 1-byte chunks behind an early 401 or 413 kept a
 * core busy for seconds after the answer (docs/security.md, "Bodies in tiny chunks"). Announcing
 * the close matters: a connection closed under a keep-alive answer is one a client's pool reuses,
 * and its next request fails with "socket hang up" (Node's client did, in the ARM suite).
 */
function closeIfBodyUnread(res: ServerResponse): void {
  const req = res.req;
  if (req.complete || !declaresBody(req)) return;
  res.shouldKeepAlive = false;
  lingerOnClose(req.socket);
}

/**
 * The listeners' response class (`createServer({ ServerResponse: GuardedResponse })`): every
 * answer's head passes `closeIfBodyUnread` (Node's `_implicitHeader` calls `writeHead` too). A
 * class, not a `writeHead` set on each response: an own property gave every response a second
 * shape, and Node's HTTP code cost 6% more CPU per token (bench/thread-cpu.ts A/B).
 */
export class GuardedResponse extends ServerResponse {}
GuardedResponse.prototype.writeHead = function (this: ServerResponse, ...args: unknown[]) {
  closeIfBodyUnread(this);
  return ServerResponse.prototype.writeHead.apply(this, args as Parameters<ServerResponse['writeHead']>);
} as ServerResponse['writeHead'];

/** `closeIfBodyUnread` for one response of a listener created without GuardedResponse. */
function closeUnreadPerResponse(res: ServerResponse): void {
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    closeIfBodyUnread(res);
    return writeHead(...args);
  }) as ServerResponse['writeHead'];
}

/** How long a socket closed under an unread body still reads (and drops) before it is cut. */
export const UNREAD_LINGER_MS = 500;

/**
 * Node ends a `Connection: close` answer's socket with `destroySoon`: destroyed as soon as the
 * answer is written. With the client's unread body bytes still queued, that close is a TCP reset,
 * which can reach the client before it has read the answer: the fuzz suite's raw client lost 413s
 * so. Here the answer and a FIN go first, and the socket is cut UNREAD_LINGER_MS later (Go's
 * net/http waits as long): it keeps reading meanwhile, so a client that closes is seen at once and
 * stops counting against its address's connections, and what it still sends costs at most that
 * long.
 */
function lingerOnClose(socket: Socket): void {
  (socket as Socket & { destroySoon: () => void }).destroySoon = () => {
    socket.end();
    setTimeout(() => socket.destroy(), UNREAD_LINGER_MS).unref();
  };
}

/** Whether the request declared a body (Node refuses a malformed Content-Length before this). */
const declaresBody = (req: IncomingMessage): boolean => {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
};

/** Counts open connections per client address; marks (or, far past the bound, cuts) the excess. */
class ConnectionCounter {
  private readonly open = new Map<string, number>();
  /** `address:port` of connections over the bound: their requests are answered 429. */
  private readonly over = new Set<string>();

  constructor(private readonly max: number) {}

  onConnection = (socket: Socket): void => {
    const addr = socket.remoteAddress ?? '';
    const key = `${addr}:${socket.remotePort ?? ''}`;
    const n = (this.open.get(addr) ?? 0) + 1;
    this.open.set(addr, n);
    if (n > this.max) this.over.add(key);
    socket.once('close', () => {
      const left = (this.open.get(addr) ?? 1) - 1;
      if (left <= 0) this.open.delete(addr);
      else this.open.set(addr, left);
      this.over.delete(key);
    });
    if (n > this.max * HARD_FACTOR) socket.destroy();
  };

  isOver(socket: Socket): boolean {
    return this.over.size > 0 && this.over.has(`${socket.remoteAddress ?? ''}:${socket.remotePort ?? ''}`);
  }
}

/**
 * Hardens a listener: malformed HTTP is answered, not fatal; connections per client address are
 * bounded; a connection whose request body was left unread is closed after the answer
 * (`closeIfBodyUnread`). Returns `admit`, which every request passes first: it answers 429 (too many
 * connections) or 414 (target too long) itself and returns false, or returns true.
 */
export function guardListener(
  server: HttpServer | HttpsServer,
  o: GuardOptions,
): (req: IncomingMessage, res: ServerResponse) => boolean {
  server.on('clientError', onClientError(o));
  const counter = new ConnectionCounter(o.limits.maxConnectionsPerClient);
  server.on('connection', counter.onConnection);
  const s = o.limits.settings;
  return (req, res) => {
    // A listener made without GuardedResponse still closes under an unread body, on this slower path.
    if (!(res instanceof GuardedResponse)) closeUnreadPerResponse(res);
    if (counter.isOver(req.socket)) {
      const message = `This client address has more than ${o.limits.maxConnectionsPerClient} open connections${s ? ` (${s.connections})` : ''}; reuse connections or close idle ones.`;
      refuse(res, o.envelope, 429, o.envelope === 'arm' ? 'TooManyConnections' : 'too_many_connections', message, {
        'retry-after': '1',
      });
      return false;
    }
    if ((req.url ?? '').length > o.limits.maxUrlBytes) {
      const message = `The request target is longer than ${o.limits.maxUrlBytes} bytes${s ? ` (${s.url})` : ''}; send a shorter URL.`;
      refuse(res, o.envelope, 414, o.envelope === 'arm' ? 'RequestUriTooLong' : 'invalid_request', message);
      return false;
    }
    return true;
  };
}
