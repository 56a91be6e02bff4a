import { randomUUID } from 'node:crypto';
import { createServer as createHttpsServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import type { RequestContext, Surface } from './context.js';
import { pathSegments, splitTarget } from './path.js';

export interface HttpObserver {
  /** Called once per finished response (metrics). */
  onResponse(surface: string, method: string, status: number, seconds: number): void;
}

export interface ListenerOptions {
  cert: string;
  key: string;
  surfaces: Surface[];
  log: Logger;
  observer?: HttpObserver;
  requestTimeoutMs: number;
}

const SAFE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

function hostnameOf(req: IncomingMessage): string {
  const host = (req.headers.host ?? '').toLowerCase();
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}

function buildContext(req: IncomingMessage, res: ServerResponse, log: Logger): RequestContext {
  const { path, query, rawQuery } = splitTarget(req.url ?? '/');
  const requestId = randomUUID();
  // Reuse the caller's correlation id (ARM does) only if it looks like an id, so logs stay clean.
  const inbound = req.headers['x-ms-correlation-request-id'];
  const correlationId = typeof inbound === 'string' && SAFE_ID.test(inbound) ? inbound : randomUUID();
  return {
    req,
    res,
    method: (req.method ?? 'GET').toUpperCase(),
    path,
    segments: pathSegments(path),
    query,
    rawQuery,
    hostname: hostnameOf(req),
    requestId,
    correlationId,
    log: log.child({ requestId, correlationId }),
    startedAt: performance.now(),
  };
}

async function dispatch(ctx: RequestContext, surfaces: Surface[]): Promise<Surface> {
  const surface = surfaces.find((s) => s.matches(ctx)) ?? surfaces[surfaces.length - 1]!;
  try {
    await surface.handle(ctx);
  } catch (err) {
    if (ctx.res.headersSent) {
      ctx.log.error({ err }, 'error after response started');
      ctx.res.destroy();
    } else {
      surface.renderError(ctx, err);
    }
  }
  return surface;
}

/**
 * One HTTPS listener for every surface. The last surface is the fallback for unmatched requests.
 * Access log lines carry method, path (no query: it may hold secrets on legacy endpoints) and status.
 */
export function createListener(opts: ListenerOptions): Server {
  const server = createHttpsServer({ cert: opts.cert, key: opts.key }, (req, res) => {
    const ctx = buildContext(req, res, opts.log);
    void dispatch(ctx, opts.surfaces).then((surface) => {
      const seconds = (performance.now() - ctx.startedAt) / 1000;
      opts.observer?.onResponse(surface.name, ctx.method, res.statusCode, seconds);
      ctx.log.info({ surface: surface.name, method: ctx.method, path: ctx.path, status: res.statusCode, ms: Math.round(seconds * 1000) }, 'request');
    });
  });
  server.requestTimeout = opts.requestTimeoutMs;
  server.headersTimeout = Math.min(opts.requestTimeoutMs, 20_000);
  server.keepAliveTimeout = 5_000;
  return server;
}
