import { randomUUID } from 'node:crypto';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { accessLogger, type Logger } from '../log.js';
import type { RequestContext, Surface } from './context.js';
import { guarded, GuardedResponse, guardListener, lastResort, type ListenerLimits } from './guard.js';
import { logText } from './header-text.js';
import { pathSegments, splitTarget } from './path.js';

export interface HttpObserver {
  /** Called once per finished response (metrics); `operation` is what the surface named (RequestContext). */
  onResponse(surface: string, method: string, status: number, seconds: number, operation?: string): void;
}

export interface ListenerOptions {
  cert: string;
  key: string;
  surfaces: Surface[];
  log: Logger;
  observer?: HttpObserver;
  requestTimeoutMs: number;
  limits: ListenerLimits;
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function hostnameOf(req: IncomingMessage): string {
  const host = (req.headers.host ?? '').toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

/**
 * One request's context. A class, not an object literal: a literal with a getter is rebuilt as
 * a fresh accessor per request, which the bench profile showed as much as the rest of this setup.
 */
class HttpRequestContext implements RequestContext {
  readonly method: string;
  readonly path: string;
  readonly segments: string[];
  readonly query: URLSearchParams;
  readonly rawQuery: string;
  readonly hostname: string;
  readonly requestId = randomUUID();
  readonly correlationId: string;
  readonly startedAt = performance.now();
  operation?: string;
  // Made on first use: most requests log only their access line, written below without a child,
  // and pino's child() cost a token request about as much as one of its SQLite reads (bench profile).
  private child: Logger | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    private readonly parentLog: Logger,
  ) {
    const { path, query, rawQuery } = splitTarget(req.url ?? '/');
    this.path = path;
    this.query = query;
    this.rawQuery = rawQuery;
    this.segments = pathSegments(path);
    this.method = (req.method ?? 'GET').toUpperCase();
    this.hostname = hostnameOf(req);
    // Reuse the caller's correlation id (ARM does) only if it looks like an id, so logs stay clean.
    const inbound = req.headers['x-ms-correlation-request-id'];
    this.correlationId = typeof inbound === 'string' && SAFE_ID.test(inbound) ? inbound : randomUUID();
  }

  get log(): Logger {
    return (this.child ??= this.parentLog.child({ requestId: this.requestId, correlationId: this.correlationId }));
  }
}

/**
 * A renderer that throws (a header Node refuses, a bug) must still leave the caller with an
 * answer: the last-resort 500, never an unanswered socket or an exception out of the listener.
 */
function renderSafely(ctx: RequestContext, surface: Surface, err: unknown): void {
  if (ctx.res.headersSent) {
    ctx.log.error({ err }, 'error after response started');
    ctx.res.destroy();
    return;
  }
  // The caller hung up mid-request (its body stream says 'aborted'): nobody is left to answer.
  // The response's socket tells: the request's is detached once its body stream is destroyed.
  if (ctx.res.socket?.destroyed) {
    ctx.log.debug({ err }, 'client went away before the answer');
    return;
  }
  try {
    surface.renderError(ctx, err);
  } catch (renderErr) {
    ctx.log.error({ err, renderErr }, `the ${surface.name} surface could not render an error`);
    lastResort(ctx.res, ctx.log, 'arm', renderErr);
  }
}

async function dispatch(ctx: RequestContext, surfaces: Surface[]): Promise<Surface> {
  let surface = surfaces[surfaces.length - 1]!;
  try {
    surface = surfaces.find((s) => s.matches(ctx)) ?? surface;
    await surface.handle(ctx);
  } catch (err) {
    renderSafely(ctx, surface, err);
  }
  return surface;
}

async function serve(opts: ListenerOptions, access: Logger, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const ctx = new HttpRequestContext(req, res, opts.log);
  const surface = await dispatch(ctx, opts.surfaces);
  // A handler that returned without answering would leave the caller waiting for the request timeout.
  if (!res.headersSent && !res.writableEnded && res.socket?.destroyed === false)
    lastResort(res, ctx.log, 'arm', new Error(`the ${surface.name} surface returned without answering`));
  const seconds = (performance.now() - ctx.startedAt) / 1000;
  opts.observer?.onResponse(surface.name, ctx.method, res.statusCode, seconds, ctx.operation);
  access.info(
    {
      requestId: ctx.requestId,
      correlationId: ctx.correlationId,
      surface: surface.name,
      method: ctx.method,
      path: logText(ctx.path),
      status: res.statusCode,
      ms: Math.round(seconds * 1000),
    },
    'request',
  );
}

/**
 * One HTTPS listener for every surface. The last surface is the fallback for unmatched requests.
 * Access log lines carry method, path (no query: it may hold secrets on legacy endpoints) and status.
 * No request can end the process: malformed HTTP, oversized headers and targets, too many
 * connections and anything a surface fails to handle are answered here (docs/security.md, finding 1).
 */
export function createListener(opts: ListenerOptions): Server {
  const server = createHttpsServer({
    cert: opts.cert,
    key: opts.key,
    maxHeaderSize: opts.limits.maxHeaderBytes,
    ServerResponse: GuardedResponse,
  });
  const admit = guardListener(server, { log: opts.log, limits: opts.limits, envelope: 'arm' });
  const access = accessLogger(opts.log);
  server.on(
    'request',
    guarded(opts.log, 'arm', (req, res) => (admit(req, res) ? serve(opts, access, req, res) : undefined)),
  );
  server.requestTimeout = opts.requestTimeoutMs;
  server.headersTimeout = Math.min(opts.requestTimeoutMs, 20_000);
  server.keepAliveTimeout = 5_000;
  return server;
}
