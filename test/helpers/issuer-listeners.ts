import { mkdtempSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/kernel/clock.js';
import { loadOrCreatePki } from '../../src/server/pki/pki.js';

/**
 * For tests only: loopback listeners standing in for OIDC issuers, one per way a discovery fetch
 * can fail (closed port, TLS failure, HTTP error, silence) plus a working one. Each counts the
 * TCP connections it received, so a test can prove openmi never connected.
 */

export type Answer = { status: number; body?: string | Buffer; headers?: Record<string, string> } | 'hang';

export interface Listener {
  readonly port: number;
  /** `https://{host}:{port}`. */
  url(host?: string): string;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** Requests per path (HTTPS listeners only). */
  hits(path: string): number;
  /** What a path answers (HTTPS listeners only); unknown paths answer 404. */
  route(path: string, answer: Answer | (() => Answer)): void;
  close(): Promise<void>;
}

export interface IssuerCa {
  /** The CA the trusted listeners' certificates chain to (give it to the fetcher). */
  ca: string;
  cert: string;
  key: string;
  dispose(): void;
}

/** A CA and a certificate for localhost, 127.0.0.1 and the names given. */
export async function issuerCa(dnsNames: string[] = []): Promise<IssuerCa> {
  const dir = mkdtempSync(join(tmpdir(), 'openmi-issuer-ca-'));
  const pki = await loadOrCreatePki({
    dir,
    masterKey: Buffer.alloc(32, 9),
    dnsNames: ['localhost', ...dnsNames],
    ipAddresses: ['127.0.0.1'],
    clock: new ManualClock(Date.now()),
  });
  return {
    ca: pki.caCertPem,
    cert: pki.serverCertPem,
    key: pki.serverKeyPem,
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

async function listen(server: Server | HttpsServer, sockets: Set<Socket>): Promise<number> {
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as { port: number }).port;
}

function wrap(
  server: Server | HttpsServer | undefined,
  port: number,
  sockets: Set<Socket>,
  counts: { connections: number; hits: Map<string, number> },
  routes: Map<string, () => Answer>,
): Listener {
  return {
    port,
    url: (host = '127.0.0.1') => `https://${host}:${port}`,
    get connections() {
      return counts.connections;
    },
    hits: (path) => counts.hits.get(path) ?? 0,
    route: (path, answer) => routes.set(path, typeof answer === 'function' ? answer : () => answer),
    close: async () => {
      // A silent listener holds its sockets open: destroy them, or close() waits forever.
      for (const s of sockets) s.destroy();
      if (server) await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/**
 * 'https': answers the routed paths with a certificate from `tls` (trusted or not, as the test
 * decides); 'silent': accepts TCP connections and never says a word; 'closed': a port nobody
 * listens on.
 */
export async function startListener(kind: 'https' | 'silent' | 'closed', tls?: IssuerCa): Promise<Listener> {
  const sockets = new Set<Socket>();
  const counts = { connections: 0, hits: new Map<string, number>() };
  const routes = new Map<string, () => Answer>();
  if (kind === 'closed') {
    const probe = createTcpServer();
    const port = await listen(probe, sockets);
    await new Promise<void>((r) => probe.close(() => r()));
    return wrap(undefined, port, sockets, counts, routes);
  }
  const server =
    kind === 'silent'
      ? createTcpServer(() => undefined)
      : createHttpsServer({ cert: tls!.cert, key: tls!.key }, (req, res) => {
          const path = req.url ?? '';
          counts.hits.set(path, (counts.hits.get(path) ?? 0) + 1);
          const a = routes.get(path)?.() ?? { status: 404, body: '{"error":"not found"}' };
          if (a === 'hang') return;
          res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(a.body ?? '');
        });
  server.on('connection', () => counts.connections++);
  const port = await listen(server, sockets);
  return wrap(server, port, sockets, counts, routes);
}
