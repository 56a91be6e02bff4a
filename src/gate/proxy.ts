import {
  Agent as HttpAgent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { DataPlaneCaller } from '../server/surfaces/data-plane-auth/data-plane-auth.js';
import { forwardHeaders, responseHeaders } from './forward-headers.js';
import { checkRequest, sendRefusal, type GateCheckOptions } from './middleware.js';
import { guarded, guardListener, type ListenerLimits } from '../kernel/http/guard.js';
import { createLogger, type Logger } from '../kernel/log.js';

/** Upstreams that hang must not hold gate sockets forever. */
const UPSTREAM_TIMEOUT_MS = 30_000;

/**
 * Idle upstream connections are closed after 4 s, before Node's default server keep-alive
 * timeout (5 s) closes them from the other side: a request sent on a connection the upstream is
 * closing at that moment fails with ECONNRESET, which the gate could only answer 502 (seen once
 * in 20,000 fuzz requests). A bodiless request that meets it on a reused connection is sent again
 * once, as Node's documentation advises (https://nodejs.org/api/http.html#requestreusedsocket).
 */
const IDLE_UPSTREAM_MS = 4_000;
const agents = {
  'http:': new HttpAgent({ keepAlive: true, timeout: IDLE_UPSTREAM_MS }),
  'https:': new HttpsAgent({ keepAlive: true, timeout: IDLE_UPSTREAM_MS }),
};

function fail(res: ServerResponse, status: 500 | 502, code: string, message: string): void {
  if (!res.headersSent) res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ error: { code, message } }));
}

/** Sends `target` (the normalized path and query that were authorized, never req.url) upstream. */
function forward(
  upstream: URL,
  req: IncomingMessage,
  res: ServerResponse,
  target: string,
  caller: DataPlaneCaller | undefined,
): void {
  const send = upstream.protocol === 'https:' ? httpsRequest : httpRequest;
  const path = `${upstream.pathname.replace(/\/$/, '')}${target}`;
  const headers = forwardHeaders(req.headers, {
    remoteAddress: req.socket.remoteAddress,
    upstreamHost: upstream.host,
    caller,
  });
  const bodiless = req.headers['content-length'] === undefined && req.headers['transfer-encoding'] === undefined;
  const attempt = (retry: boolean): void => {
    const out = send(
      {
        protocol: upstream.protocol,
        hostname: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path,
        headers,
        timeout: UPSTREAM_TIMEOUT_MS,
        agent: upstream.protocol === 'https:' ? agents['https:'] : agents['http:'],
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, responseHeaders(up.headers));
        up.pipe(res);
      },
    );
    out.on('timeout', () => out.destroy(new Error('upstream timed out')));
    out.on('error', (err: NodeJS.ErrnoException) => {
      if (retry && bodiless && out.reusedSocket && err.code === 'ECONNRESET' && !res.headersSent) return attempt(false);
      fail(res, 502, 'BadGateway', 'The upstream did not answer.');
    });
    if (bodiless) out.end();
    else req.pipe(out);
  };
  attempt(true);
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
  const server = createServer({ maxHeaderSize: limits.maxHeaderBytes });
  const admit = guardListener(server, { log, limits, envelope: 'arm' });
  // No request ends the gate: what the check or the forwarding throws is answered 500 by the boundary (docs/security.md, finding 1).
  server.on(
    'request',
    guarded(log, 'arm', async (req, res) => {
      if (!admit(req, res)) return;
      const d = await checkRequest(o, req);
      if (d.ok) forward(upstream, req, res, d.target, d.caller);
      else sendRefusal(res, d, o);
    }),
  );
  server.requestTimeout = UPSTREAM_TIMEOUT_MS * 2;
  server.headersTimeout = 10_000;
  return server;
}
