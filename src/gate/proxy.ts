import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { gateMiddleware, type GateCheckOptions } from './middleware.js';

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

/** `openmi gate`: verifies the caller, checks RBAC, forwards with the caller's identity in headers. */
export function createGate(o: GateCheckOptions & { upstream: string }): Server {
  const upstream = new URL(o.upstream);
  const check = gateMiddleware(o);
  const server = createServer((req, res) => {
    check(req, res, (err) => {
      if (err) {
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'InternalError', message: 'The gate could not check access.' } }));
        return;
      }
      forward(upstream, req, res);
    });
  });
  server.requestTimeout = UPSTREAM_TIMEOUT_MS * 2;
  server.headersTimeout = 10_000;
  return server;
}
