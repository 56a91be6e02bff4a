import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { gateMiddleware, type GateCheckOptions } from './middleware.js';
import { guarded, guardListener, lastResort, refuse, type ListenerLimits } from '../kernel/http/guard.js';
import { createLogger, type Logger } from '../kernel/log.js';

/** Upstreams that hang must not hold gate sockets forever. */
const UPSTREAM_TIMEOUT_MS = 30_000;

function forward(upstream: URL, req: IncomingMessage, res: ServerResponse): void {
  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  const path = `${upstream.pathname.replace(/\/$/, '')}${req.url ?? '/'}`;
  const out = send({ protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method: req.method, path, headers: { ...req.headers, host: upstream.host }, timeout: UPSTREAM_TIMEOUT_MS }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  out.on('timeout', () => out.destroy(new Error('upstream timed out')));
  out.on('error', () => {
    if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ error: { code: 'BadGateway', message: 'The upstream did not answer.' } }));
  });
  req.pipe(out);
}

/** A bearer token may take 16 KiB, plus the application's own headers. */
export const GATE_LIMITS: ListenerLimits = { maxHeaderBytes: 32 * 1024, maxUrlBytes: 8 * 1024, maxConnectionsPerClient: 256 };

/** `openmi gate`: verifies the caller, checks RBAC, forwards with the caller's identity in headers. */
export function createGate(o: GateCheckOptions & { upstream: string; log?: Logger; limits?: ListenerLimits }): Server {
  const upstream = new URL(o.upstream);
  const check = gateMiddleware(o);
  const log = o.log ?? createLogger('warn');
  const limits = o.limits ?? GATE_LIMITS;
  const server = createServer({ maxHeaderSize: limits.maxHeaderBytes });
  const admit = guardListener(server, { log, limits, envelope: 'arm' });
  // No request ends the gate: what the check or the forwarding throws is answered 500 (issue 13).
  server.on('request', guarded(log, 'arm', (req, res) => {
    if (!admit(req, res)) return;
    check(req, res, (err) => {
      // A target that is not a path (`//host…` with bytes no host may hold) cannot be checked against the rules.
      if ((err as NodeJS.ErrnoException | undefined)?.code === 'ERR_INVALID_URL') return refuse(res, 'arm', 400, 'BadRequest', 'The request target is not a valid path.');
      if (err) return lastResort(res, log, 'arm', err);
      try {
        forward(upstream, req, res);
      } catch (e) {
        lastResort(res, log, 'arm', e);
      }
    });
  }));
  server.requestTimeout = UPSTREAM_TIMEOUT_MS * 2;
  server.headersTimeout = 10_000;
  return server;
}
