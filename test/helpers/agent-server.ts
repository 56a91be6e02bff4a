import { createPublicKey, randomUUID, verify, type KeyObject } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../src/kernel/clock.js';
import { loadOrCreatePki } from '../../src/server/pki/pki.js';

/**
 * For tests only: a small HTTPS server speaking the server side of docs/agent-protocol.md with
 * real ES256 verification, so the agent's client, runtime and endpoints can be exercised over the
 * wire without the whole openmi server. Not what the lead's end-to-end tests use.
 */

export interface SeenRequest {
  method: string;
  path: string;
  body: unknown;
  claims?: Record<string, unknown>;
  headers: IncomingMessage['headers'];
}

export type Answer = { status: number; json?: unknown };

interface Agent {
  key: KeyObject;
  resourceId: string;
}

const RESOURCE_ID =
  '/subscriptions/00000000-0000-4000-8000-000000000001/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1';
export const TEST_TENANT = '11111111-1111-4111-8111-111111111111';

export class TestAgentServer {
  readonly seen: SeenRequest[] = [];
  readonly joinTokens = new Set<string>(['jt.secret']);
  readonly agents = new Map<string, Agent>();
  readonly streams = new Set<ServerResponse>();
  private readonly jtis = new Set<string>();
  /** Override to script the token endpoint; the default mints a token per call. */
  onMint: (body: Record<string, unknown>) => Answer = (body) => this.defaultMint(body);
  mints = 0;

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly ca: string,
    private readonly dir: string,
  ) {}

  static async start(): Promise<TestAgentServer> {
    const dir = mkdtempSync(join(tmpdir(), 'openmi-agent-srv-'));
    // Real time: the TLS client checks certificate validity against the system clock.
    const pki = await loadOrCreatePki({
      dir,
      masterKey: Buffer.alloc(32, 7),
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      clock: new ManualClock(Date.now()),
    });
    let self: TestAgentServer | undefined;
    const server = createServer(
      { key: pki.serverKeyPem, cert: pki.serverCertPem },
      (req, res) => void self!.handle(req, res),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    self = new TestAgentServer(server, `https://127.0.0.1:${port}`, pki.caCertPem, dir);
    return self;
  }

  get resourceId(): string {
    return RESOURCE_ID;
  }

  /** Sends `invalidate` to every open event stream. */
  invalidate(ids: string[]): void {
    this.sendRaw(`event: invalidate\r\ndata: {"ids":\r\ndata: ${JSON.stringify(ids)}}\r\n\r\n`);
  }

  /** Writes raw text/event-stream bytes to every open event stream. */
  sendRaw(text: string): void {
    for (const s of this.streams) s.write(text);
  }

  /** Cuts every open event stream, as a server restart would. */
  dropStreams(): void {
    for (const s of this.streams) s.destroy();
    this.streams.clear();
  }

  async close(): Promise<void> {
    this.dropStreams();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    rmSync(this.dir, { recursive: true, force: true });
  }

  private defaultMint(body: Record<string, unknown>): Answer {
    const now = Math.floor(Date.now() / 1000);
    this.mints++;
    const selector = body.selector as { value?: string } | undefined;
    const clientId = selector?.value ?? 'system-client-id';
    return {
      status: 200,
      json: {
        accessToken: `token-${this.mints}`,
        issuedAt: now,
        expiresOn: now + 3600,
        resource: body.resource,
        clientId,
        objectId: 'oid-1',
        identityResourceId: RESOURCE_ID,
      },
    };
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').replace(/^\/openmi\/agent\/v1/, '');
    const chunks: Buffer[] = [];
    for await (const c of req as AsyncIterable<Buffer>) chunks.push(c);
    const text = Buffer.concat(chunks).toString('utf8');
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    const seen: SeenRequest = { method: req.method ?? '', path, body, headers: req.headers };
    this.seen.push(seen);
    if (req.method === 'POST' && path === '/enroll') return this.reply(res, this.enroll(body));
    const auth = this.authenticate(req.headers.authorization);
    if ('error' in auth)
      return this.reply(res, { status: 401, json: { error: 'invalid_agent', error_description: auth.error } });
    seen.claims = auth.claims;
    this.route(req.method ?? '', path, body, res);
  }

  private route(method: string, path: string, body: Record<string, unknown>, res: ServerResponse): void {
    if (method === 'POST' && path === '/token') return this.reply(res, this.onMint(body));
    if (method === 'GET' && path === '/instance')
      return this.reply(res, { status: 200, json: { compute: { resourceId: RESOURCE_ID, location: 'local' } } });
    if (method === 'DELETE' && path === '/self') return this.reply(res, { status: 204 });
    if (method === 'GET' && path === '/events') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' });
      res.write(': hello\n\nevent: ready\ndata: {}\n\n');
      this.streams.add(res);
      res.on('close', () => this.streams.delete(res));
      return;
    }
    this.reply(res, { status: 404, json: { error: 'not_found', error_description: path } });
  }

  private enroll(body: Record<string, unknown>): Answer {
    if (typeof body.joinToken !== 'string' || !this.joinTokens.delete(body.joinToken)) {
      return { status: 401, json: { error: 'invalid_join_token', error_description: 'unknown or used join token' } };
    }
    const jwk = body.publicJwk as Record<string, string>;
    if ('d' in jwk)
      return { status: 400, json: { error: 'invalid_request', error_description: 'a private key was sent' } };
    const agentId = randomUUID();
    this.agents.set(agentId, { key: createPublicKey({ key: jwk, format: 'jwk' }), resourceId: RESOURCE_ID });
    return { status: 201, json: { agentId, resourceId: RESOURCE_ID, tenantId: TEST_TENANT, expiresAt: null } };
  }

  /** The checks docs/agent-protocol.md asks of the server, with node:crypto only. */
  private authenticate(header: string | undefined): { claims: Record<string, unknown> } | { error: string } {
    const m = /^OpenMI-Agent ([\w-]+)\.([\w-]+)\.([\w-]+)$/.exec(header ?? '');
    if (!m) return { error: 'no OpenMI-Agent assertion' };
    const decode = (s: string) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Record<string, unknown>;
    const h = decode(m[1]!);
    const claims = decode(m[2]!);
    const agent = this.agents.get(String(h.kid));
    if (h.alg !== 'ES256' || h.typ !== 'JWT' || agent === undefined) return { error: 'bad header or unknown agent' };
    const ok = verify(
      'sha256',
      Buffer.from(`${m[1]}.${m[2]}`),
      { key: agent.key, dsaEncoding: 'ieee-p1363' },
      Buffer.from(m[3]!, 'base64url'),
    );
    if (!ok) return { error: 'bad signature' };
    const now = Math.floor(Date.now() / 1000);
    const iat = Number(claims.iat);
    const exp = Number(claims.exp);
    if (claims.iss !== h.kid || claims.sub !== h.kid) return { error: 'iss/sub must be the agent id' };
    if (claims.aud !== `${this.url}/openmi/agent/v1`) return { error: `wrong audience ${String(claims.aud)}` };
    if (!(exp > now && exp - iat <= 300 && iat <= now + 5)) return { error: 'expired or too long-lived' };
    if (typeof claims.jti !== 'string' || this.jtis.has(claims.jti)) return { error: 'replayed jti' };
    this.jtis.add(claims.jti);
    return { claims };
  }

  private reply(res: ServerResponse, answer: Answer): void {
    if (answer.json === undefined) return void res.writeHead(answer.status).end();
    const text = JSON.stringify(answer.json);
    res.writeHead(answer.status, { 'content-type': 'application/json' }).end(text);
  }
}
