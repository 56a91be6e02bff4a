/**
 * One benchmark HTTP server per process (the runner pins it to CPU 0 with taskset):
 *
 *   node dist/bench/http-server.js bare <bodyBytes>   bare node:http answering GET / with a fixed JSON body
 *   node dist/bench/http-server.js imds <fixture.json> the real metadata server, its TokenCache warm
 *   node dist/bench/http-server.js imds-signins <fixture.json>  the same, counting a sign-in per answer
 *     (G3, docs/performance.md) in the agent's real SignInBuffer; its uploads are serialized as the agent sends them,
 *     then dropped (the server's cost is on another machine's CPU in a real deployment)
 *
 * Prints one JSON line `{"port":…}` once it listens; exits on SIGTERM (so --cpu-prof is written).
 */
import './hold-tick.js';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { systemClock } from '../src/kernel/clock.js';
import { createLogger } from '../src/kernel/log.js';
import { createMetadataServer } from '../src/agent/metadata-server.js';
import { TokenCache } from '../src/agent/token-cache.js';
import { MetadataSignIns } from '../src/agent/metadata-sign-ins.js';
import { SignInBuffer } from '../src/agent/sign-in-buffer.js';
import { BENCH_CLIENT_ID, BENCH_RESOURCE, IssuerUpstream, openIssuer, type FixtureSpec } from './fixture.js';

/** A JSON body of exactly `bytes` bytes (at least the empty shape's length). */
function paddedJson(bytes: number): string {
  const shape = (pad: string) => JSON.stringify({ message: 'hello from node:http', pad });
  return shape('x'.repeat(Math.max(0, bytes - shape('').length)));
}

function bareServer(bodyBytes: number): Server {
  const body = paddedJson(bodyBytes);
  const length = Buffer.byteLength(body);
  // The same response headers the metadata server sends, so both answers are the same size.
  return createServer((_req, res) => {
    res.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': length,
      'cache-control': 'no-store',
    });
    res.end(body);
  });
}

async function imdsServer(spec: FixtureSpec, signIns: boolean): Promise<Server> {
  const { issuer } = await openIssuer(spec);
  const upstream = new IssuerUpstream(issuer);
  // Level info as in production: the per-request access line is debug, so it is built but not written.
  const log = createLogger('info', process.stderr);
  const cache = new TokenCache({ upstream, clock: systemClock, log });
  await cache.get(BENCH_RESOURCE, { name: 'client_id', value: BENCH_CLIENT_ID }, 'bench-warm-up');
  return createMetadataServer({
    cache,
    upstream,
    identityHeader: 'bench-identity-header-0123456789abcdef',
    msiSecret: 'bench-msi-secret-0123456789abcdef',
    log,
    clock: systemClock,
    ...(signIns
      ? {
          signIns: new MetadataSignIns(
            new SignInBuffer({ upload: async (events) => void JSON.stringify({ events }), clock: systemClock, log }),
            systemClock,
          ),
        }
      : {}),
  });
}

async function main(): Promise<void> {
  const [kind, arg] = process.argv.slice(2);
  let server: Server;
  if (kind === 'bare') server = bareServer(Number(arg));
  else if (kind === 'imds' || kind === 'imds-signins')
    server = await imdsServer(JSON.parse(readFileSync(arg!, 'utf8')) as FixtureSpec, kind === 'imds-signins');
  else throw new Error(`usage: http-server.js bare <bodyBytes> | imds <fixture.json> (got ${kind})`);
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port, pid: process.pid })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
