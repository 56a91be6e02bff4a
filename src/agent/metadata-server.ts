import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Clock } from '../kernel/clock.js';
import { splitTarget } from '../kernel/http/path.js';
import { systemRandom, type Random } from '../kernel/ids.js';
import type { Logger } from '../kernel/log.js';
import { guarded, GuardedResponse, guardListener, type ListenerLimits } from '../kernel/http/guard.js';
import { logText } from '../kernel/http/header-text.js';
import { ImdsFastPath, IMDS_TOKEN_PATH } from './imds-fast-path.js';
import { METRICS_PATH, metricsRoute } from './agent-metrics.js';
import { InstanceCache } from './instance-cache.js';
import { correlationIdOf, EndpointError, SecretDigest, sendError, toEndpointError } from './metadata-http.js';
import {
  appServiceToken,
  cloudShellToken,
  imdsToken,
  instanceDocument,
  type RouteContext,
  type RouteDeps,
} from './metadata-routes.js';
import type { MetadataSignIns } from './metadata-sign-ins.js';
import { RequestGuard } from './request-guard.js';
import type { TokenCache } from './token-cache.js';
import type { MintedToken, TokenUpstream } from './upstream.js';

export interface MetadataServerOptions {
  cache: TokenCache;
  upstream: TokenUpstream;
  identityHeader: string;
  msiSecret: string;
  log: Logger;
  clock: Clock;
  /** IDENTITY_ENDPOINT / MSI_ENDPOINT path; default `/msi/token`. */
  appServicePath?: string;
  /** Longest wait for the openmi server before answering 503; default 15 s. */
  answerTimeoutMs?: number;
  random?: Random;
  /** Sign-in rows for the token requests answered here without a server mint (docs/audit.md). */
  signIns?: MetadataSignIns;
  /** Host values the agent is reached by besides its own address (see RequestGuard). */
  allowedHosts?: readonly string[];
  /** Default METADATA_LIMITS. */
  limits?: ListenerLimits;
  /** Served at GET /metrics (agent-metrics.ts); absent, that path is not served. */
  metrics?: RouteDeps['metrics'];
}

/**
 * Workload requests are a short GET with a few headers and no bearer token; 128 connections
 * from one address leaves room for every process on a busy host (all of them come from loopback).
 */
export const METADATA_LIMITS: ListenerLimits = {
  maxHeaderBytes: 16 * 1024,
  maxUrlBytes: 8 * 1024,
  maxConnectionsPerClient: 128,
};

export { IMDS_TOKEN_PATH };
export const INSTANCE_PATH = '/metadata/instance';
export const DEFAULT_APP_SERVICE_PATH = '/msi/token';

type Handler = (deps: RouteDeps, ctx: RouteContext) => Promise<void>;
type Routes = Map<string, Partial<Record<string, Handler>>>;

function buildRoutes(appServicePath: string, metrics: boolean): Routes {
  return new Map<string, Partial<Record<string, Handler>>>([
    [IMDS_TOKEN_PATH, { GET: imdsToken }],
    [INSTANCE_PATH, { GET: instanceDocument }],
    [appServicePath, { GET: appServiceToken, POST: cloudShellToken }],
    ...(metrics ? [[METRICS_PATH, { GET: metricsRoute }] as const] : []),
  ]);
}

/** The same normalization for configured and requested paths: MSAL lower-cases and appends `/`. */
function normalizePath(path: string): string {
  return splitTarget(path).path.toLowerCase();
}

function routeFor(routes: Routes, path: string, method: string): Handler | EndpointError {
  const methods = routes.get(path);
  if (methods === undefined) {
    const served = [...routes.keys()].join(', ');
    return new EndpointError('not_found', `No metadata endpoint at '${path}'. Served here: ${served}.`);
  }
  const handler = methods[method];
  if (handler !== undefined) return handler;
  const allowed = Object.keys(methods).join(', ');
  return new EndpointError('method_not_allowed', `${method} is not supported on ${path}; use ${allowed}.`, {
    allow: allowed,
  });
}

const TOKEN_HANDLERS = new Set<Handler>([imdsToken, appServiceToken, cloudShellToken]);

async function serve(
  routes: Routes,
  deps: RouteDeps,
  ctx: RouteContext,
  path: string,
  opts: MetadataServerOptions,
  started: number,
): Promise<void> {
  const route = routeFor(routes, path, (ctx.req.method ?? 'GET').toUpperCase());
  try {
    // Before routing: a browser or a rebound name learns nothing, not even which paths exist.
    deps.guard.check(ctx.req);
    if (route instanceof EndpointError) throw route;
    await route(deps, ctx);
    if (ctx.hit !== undefined)
      opts.signIns?.hit(ctx.req, ctx.query.get('resource') ?? ctx.hit.resource, ctx.hit, performance.now() - started);
  } catch (err) {
    const out = toEndpointError(err);
    if (out.status >= 500) opts.log.warn({ err, correlationId: ctx.correlationId }, 'metadata request failed');
    if (ctx.res.headersSent) ctx.res.destroy();
    else sendError(ctx.res, out);
    if (!(route instanceof EndpointError) && TOKEN_HANDLERS.has(route)) {
      opts.signIns?.failure(ctx.req, path, ctx.query, err, out, ctx.fromServer === true, performance.now() - started);
    }
  }
}

function logAccess(log: Logger, res: ServerResponse, path: string, started: number, correlationId: string): void {
  const ms = Math.round(performance.now() - started);
  log.debug(
    { method: res.req.method, path: logText(path), status: res.statusCode, ms, correlationId },
    'metadata request',
  );
}

function routeDeps(opts: MetadataServerOptions): RouteDeps {
  return {
    cache: opts.cache,
    instance: new InstanceCache(opts.upstream, opts.clock),
    identityHeader: new SecretDigest(opts.identityHeader),
    msiSecret: new SecretDigest(opts.msiSecret),
    clock: opts.clock,
    answerTimeoutMs: opts.answerTimeoutMs ?? 15_000,
    guard: new RequestGuard(opts.allowedHosts),
    ...(opts.metrics ? { metrics: opts.metrics } : {}),
  };
}

type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void> | undefined;

/** Cached IMDS and App Service hits on the fast path (G1, docs/performance.md), the rest on the routes. */
function metadataHandler(opts: MetadataServerOptions, deps: RouteDeps, appServicePath: string): RequestHandler {
  const routes = buildRoutes(appServicePath, opts.metrics !== undefined);
  const random = opts.random ?? systemRandom;
  const newId = () => random.uuid();
  // The fast path answers synchronously, so its hooks read the request at hand from here: its
  // start time, and its correlation id, made only if a hit starts a background refresh or the
  // access line is logged (one function serves every request: no closure is made per request).
  let started = 0;
  let current: IncomingMessage | undefined;
  let currentId: string | undefined;
  const correlationId = () => (currentId ??= correlationIdOf(current!, newId));
  const signIns = opts.signIns;
  const onHit =
    signIns &&
    ((req: IncomingMessage, resource: string, token: MintedToken, now: number) =>
      signIns.hit(req, resource, token, performance.now() - started, now));
  const fast = new ImdsFastPath(opts.cache, opts.clock, deps.guard, onHit, {
    path: appServicePath,
    identityHeader: deps.identityHeader,
    msiSecret: deps.msiSecret,
  });
  return (req, res) => {
    started = performance.now();
    const begun = started;
    current = req;
    currentId = undefined;
    const answered = fast.tryAnswer(req, res, correlationId);
    const id = answered && !opts.log.isLevelEnabled('debug') ? undefined : correlationId();
    current = undefined;
    if (answered) {
      if (id !== undefined) logAccess(opts.log, res, splitTarget(req.url ?? '/').path.toLowerCase(), begun, id);
      return undefined;
    }
    const target = splitTarget(req.url ?? '/');
    const path = target.path.toLowerCase();
    const ctx: RouteContext = { req, res, query: target.query, correlationId: id! };
    return serve(routes, deps, ctx, path, opts, begun).then(() =>
      logAccess(opts.log, res, path, begun, ctx.correlationId),
    );
  };
}

/**
 * The workload-facing endpoints: IMDS, App Service (2019 and 2017) and Cloud Shell, all on one
 * plain-HTTP listener, as on Azure. The caller listens. Access log lines carry no query string:
 * the resource is harmless but the protocols differ on what else travels there.
 */
export function createMetadataServer(opts: MetadataServerOptions): Server {
  const appServicePath = normalizePath(opts.appServicePath ?? DEFAULT_APP_SERVICE_PATH);
  const deps = routeDeps(opts);
  const handle = metadataHandler(opts, deps, appServicePath);
  const limits = opts.limits ?? METADATA_LIMITS;
  // A request without Host is refused by the guard with a JSON body, not by Node's bare 400.
  const server = createServer({
    maxHeaderSize: limits.maxHeaderBytes,
    requireHostHeader: false,
    ServerResponse: GuardedResponse,
  });
  const admit = guardListener(server, { log: opts.log, limits, envelope: 'oauth' });
  // The boundary answers 500 to anything the routes' own error handling let through (docs/security.md, finding 1).
  server.on(
    'request',
    guarded(opts.log, 'oauth', (req: IncomingMessage, res: ServerResponse) =>
      admit(req, res) ? handle(req, res) : undefined,
    ),
  );
  server.on('listening', () => deps.guard.bind(server.address()));
  // Nothing a workload sends takes long; a slow or stalled client must not hold a socket.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  // SDKs reuse connections (the JS pipeline keeps them alive); keep idle ones briefly.
  server.keepAliveTimeout = 5_000;
  return server;
}
