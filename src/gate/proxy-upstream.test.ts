import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createServer, request, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { createArmClient } from '../client/arm-client.js';
import { DataPlaneAuthenticator } from '../server/surfaces/data-plane-auth/data-plane-auth.js';
import { createLogger } from '../kernel/log.js';
import type { RunningAgent } from '../agent/agent-runtime.js';
import { grantDataActions } from '../../test/helpers/gate.js';
import { httpGet } from '../../test/helpers/http.js';
import { startTestServer, type TestServer } from '../../test/helpers/server.js';
import { JwksVerifier } from './jwks-verifier.js';
import { createGate } from './proxy.js';
import { parseGateConfig } from './rules.js';
import { RemoteAuthorizer } from './remote-authorizer.js';
import { enrolledAgent } from '../../test/helpers/enrolled-agent.js';
import { RawConnection } from '../../test/fuzz/raw-http.js';

const listen = (s: Server) =>
  new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** What an upstream read: method, body length and digest, as the JSON answer the gate relays. */
function answerBody(req: IncomingMessage, reply: (text: string) => void): void {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    const b = Buffer.concat(parts);
    reply(JSON.stringify({ method: req.method, bytes: b.length, sha: sha(b) }));
  });
}

/**
 * Answers the first request on each connection with keep-alive, and closes the connection when a
 * second request arrives on it, before reading it: what an upstream closing an idle connection
 * does to the request that the gate writes on it just then, made certain.
 */
function closesReusedConnections(): { server: Server; applied: string[] } {
  const applied: string[] = [];
  const seen = new WeakMap<Socket, number>();
  const server = createServer((req, res) => {
    const n = (seen.get(req.socket) ?? 0) + 1;
    seen.set(req.socket, n);
    if (n > 1) return void req.socket.destroy();
    answerBody(req, (text) => (applied.push(`${req.method} ${text}`), res.end(text)));
  });
  return { server, applied };
}

interface Reply {
  status: number;
  body: string;
}

/** One request to the gate on a connection of its own; a chunked body when no length is given. */
function call(
  port: number,
  method: string,
  token: string,
  body?: Buffer,
  chunked = false,
  extra: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...extra,
    };
    if (body && !chunked) headers['content-length'] = String(body.length);
    const r = request({ host: '127.0.0.1', port, method, path: '/orders/1', headers, agent: false }, (res) => {
      const parts: Buffer[] = [];
      res.on('data', (c: Buffer) => parts.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, body: Buffer.concat(parts).toString() }));
      res.on('error', reject);
    });
    r.on('error', reject);
    if (body && chunked) for (let i = 0; i < body.length; i += 7000) r.write(body.subarray(i, i + 7000));
    r.end(body && !chunked ? body : undefined);
  });
}

/**
 * Sends `head` on a raw connection (Connection: close), and `body` only once the gate answers
 * 100 (Continue); resolves with every byte the gate sent until it closed.
 */
function expectContinue(port: number, head: string, body: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.write(head));
    let got = '';
    let sent = false;
    s.on('data', (d: Buffer) => {
      got += d.toString('latin1');
      if (!sent && got.startsWith('HTTP/1.1 100 ')) ((sent = true), s.write(body));
    });
    s.on('end', () => resolve(got));
    s.on('error', reject);
  });
}

/** The gate in front of upstreams that misbehave, with tokens from a real agent. */
describe('openmi gate: an upstream closing connections is not a 502', () => {
  let t: TestServer;
  let agent: RunningAgent;
  let token = '';
  const closers: Server[] = [];
  let makeGate: (upstreamPort: number) => Promise<number>;

  before(async () => {
    t = await startTestServer();
    const sub = `/subscriptions/${t.creds.subscriptionId}`;
    const rg = `${sub}/resourceGroups/rg-upstream`;
    await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
    const uai = await t.arm(
      'PUT',
      `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/worker?api-version=2024-11-30`,
      { location: 'westeurope' },
    );
    const vm = await t.arm('PUT', `${rg}/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`, {
      location: 'westeurope',
      identity: { type: 'UserAssigned', userAssignedIdentities: { [uai.json.id]: {} } },
    });
    await grantDataActions(t, uai.json.properties.principalId, ['Contoso.Orders/orders/write']);
    agent = await enrolledAgent(t, vm.json.id);
    const tok = await httpGet(
      `${agent.endpoints.imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=api://orders&client_id=${uai.json.properties.clientId}`,
      { Metadata: 'true' },
    );
    assert.equal(tok.status, 200, JSON.stringify(tok.json));
    token = tok.json.access_token;
    const auth = new DataPlaneAuthenticator({
      verifier: new JwksVerifier(t.server.baseUrl, t.creds.tenantId, t.ca),
      revocations: { get: async () => undefined },
      authorizer: new RemoteAuthorizer(createArmClient({ dataDir: t.dataDir })),
      resource: 'api://orders',
    });
    makeGate = async (upstreamPort) => {
      const gate = createGate({
        auth,
        policy: parseGateConfig({
          rules: [{ method: '*', path: '/orders/*', dataAction: 'Contoso.Orders/orders/write' }],
        }),
        resourceId: `${sub}/resourceGroups/rg-app/providers/Contoso.Orders/services/orders`,
        upstream: `http://127.0.0.1:${upstreamPort}`,
        log: createLogger('silent'),
      });
      closers.push(gate);
      return listen(gate);
    };
  });
  after(async () => {
    for (const s of closers) (s.closeAllConnections(), s.close());
    await agent.close({ leave: true });
    await t.stop();
  });

  const callWith = (port: number, extra: Record<string, string>, body: Buffer) =>
    call(port, 'POST', token, body, false, extra);

  const bodies: Array<[string, Buffer, boolean]> = [
    ['a small body with a length', Buffer.from('{"a":1}'), false],
    ['a small chunked body', Buffer.alloc(20_000, 0x61), true],
    ['a large body with a length', Buffer.alloc(300 * 1024, 0x62), false],
    ['a large chunked body', Buffer.alloc(300 * 1024, 0x63), true],
  ];
  for (const method of ['PUT', 'POST'])
    for (const [what, body, chunked] of bodies)
      it(`${method} with ${what} after a request left a connection in the pool gets the upstream's answer, applied once`, async () => {
        const up = closesReusedConnections();
        closers.push(up.server);
        const port = await makeGate(await listen(up.server));
        assert.equal((await call(port, 'GET', token)).status, 200, 'leaves a connection in the pool');
        const r = await call(port, method, token, body, chunked);
        assert.equal(r.status, 200, r.body);
        assert.deepEqual(JSON.parse(r.body), { method, bytes: body.length, sha: sha(body) });
        assert.equal(up.applied.filter((a) => a.startsWith(method)).length, 1, 'the upstream applied it once');
      });

  for (const size of [7, 300 * 1024])
    it(`Expect: 100-continue with a ${size}-byte body: 100 once the gate will read it, then the upstream's answer`, async () => {
      const up = createServer((req, res) => answerBody(req, (text) => res.end(text)));
      closers.push(up);
      const port = await makeGate(await listen(up));
      const body = Buffer.alloc(size, 0x64);
      const head = `POST /orders/1 HTTP/1.1\r\nhost: gate\r\nauthorization: Bearer ${token}\r\nexpect: 100-continue\r\ncontent-length: ${size}\r\nconnection: close\r\n\r\n`;
      const got = await expectContinue(port, head, body);
      assert.match(got, /^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
      assert.deepEqual(JSON.parse(got.slice(got.lastIndexOf('\r\n\r\n') + 4)), {
        method: 'POST',
        bytes: size,
        sha: sha(body),
      });
    });

  it('Expect: 100-continue on a request the gate refuses: the refusal at once, no 100 first (RFC 9110 §10.1.1)', async () => {
    const up = createServer((req, res) => answerBody(req, (text) => res.end(text)));
    closers.push(up);
    const port = await makeGate(await listen(up));
    const head = `POST /orders/1 HTTP/1.1\r\nhost: gate\r\nexpect: 100-continue\r\ncontent-length: 5\r\nconnection: close\r\n\r\n`;
    const got = await expectContinue(port, head, Buffer.from('hello'));
    assert.match(got, /^HTTP\/1\.1 401 /);
  });

  for (const size of [1024, 300 * 1024])
    it(`an upstream that refuses the head (431 past Node's 16 KiB) while a ${size}-byte body is due: its answer, not 502`, async () => {
      const up = createServer((req, res) => answerBody(req, (text) => res.end(text)));
      closers.push(up);
      const port = await makeGate(await listen(up));
      const body = Buffer.alloc(size, 0x65);
      for (let i = 0; i < 8; i++) {
        const r = await callWith(port, { 'x-long': 'v'.repeat(20_000) }, body);
        assert.equal(r.status, 431, `attempt ${i}: ${r.body}`);
      }
    });

  // Read whole (≤ 64 KiB) or streamed past a 70 KiB first chunk: each tiny chunk would cost a parse
  // and an upstream write (docs/security.md, "Bodies in tiny chunks"). No terminating chunk is sent,
  // so the answer can only be the gate refusing mid-body.
  for (const [what, first] of [
    ['read whole', ''],
    ['streamed', `11800\r\n${'f'.repeat(0x11800)}\r\n`],
  ])
    it(`a chunked body in 1-byte chunks, ${what}: 413 once they are too many, and the upstream applies nothing`, async () => {
      const applied: string[] = [];
      const up = createServer((req, res) => answerBody(req, (text) => (applied.push(text), res.end(text))));
      closers.push(up);
      const port = await makeGate(await listen(up));
      const head = `POST /orders/1 HTTP/1.1\r\nhost: gate\r\nauthorization: Bearer ${token}\r\ntransfer-encoding: chunked\r\n\r\n`;
      const c = await RawConnection.open({ host: '127.0.0.1', port, tls: false }, 10_000);
      try {
        const out = await c.exchange(Buffer.from(head + first + '1\r\nx\r\n'.repeat(20_000)), 'POST', 30_000);
        assert.equal(out.kind === 'answer' ? out.status : out.kind, 413);
        assert.match(out.kind === 'answer' ? out.body.toString() : '', /RequestBodyTooFragmented.*larger chunks/);
      } finally {
        c.close();
      }
      assert.deepEqual(applied, []);
    });
});
