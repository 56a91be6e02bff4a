import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { DataPlaneCaller } from '../dataplanes/auth/data-plane-auth.js';
import { forwardHeaders, responseHeaders } from './forward-headers.js';
import { checkRequest, sendRefusal, type GateCheckOptions } from './middleware.js';

/** Upstreams that hang must not hold gate sockets forever. */
const UPSTREAM_TIMEOUT_MS = 30_000;

function fail(res: ServerResponse, status: 500 | 502, code: string, message: string): void {
  if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code, message } }));
}

/** Sends `target` (the normalized path and query that were authorized, never req.url) upstream. */
function forward(upstream: URL, req: IncomingMessage, res: ServerResponse, target: string, caller: DataPlaneCaller | undefined): void {
  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  const path = `${upstream.pathname.replace(/\/$/, '')}${target}`;
  const headers = forwardHeaders(req.headers, { remoteAddress: req.socket.remoteAddress, upstreamHost: upstream.host, caller });
  const out = send({ protocol: upstream.protocol, hostname: upstream.hostname, port: upstream.port, method: req.method, path, headers, timeout: UPSTREAM_TIMEOUT_MS }, (up) => {
    res.writeHead(up.statusCode ?? 502, responseHeaders(up.headers));
    up.pipe(res);
  });
  out.on('timeout', () => out.destroy(new Error('upstream timed out')));
  out.on('error', () => fail(res, 502, 'BadGateway', 'The upstream did not answer.'));
  req.pipe(out);
}

/** `openmi gate`: verifies the caller, checks RBAC, forwards with the caller's identity in headers. */
export function createGate(o: GateCheckOptions & { upstream: string }): Server {
  const upstream = new URL(o.upstream);
  const server = createServer((req, res) => {
    checkRequest(o, req)
      .then((d) => (d.ok ? forward(upstream, req, res, d.target, d.caller) : sendRefusal(res, d, o)))
      .catch(() => fail(res, 500, 'InternalError', 'The gate could not check access.'));
  });
  server.requestTimeout = UPSTREAM_TIMEOUT_MS * 2;
  server.headersTimeout = 10_000;
  return server;
}
