import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer as createTcpServer, type AddressInfo, type Socket } from 'node:net';
import { AgentClient, type Enrollment } from './agent-client.js';
import { SseParser } from './agent-events.js';
import { TestAgentServer } from '../../test/helpers/agent-server.js';
import { waitFor } from '../../test/helpers/wait.js';
import { UpstreamRefusal, UpstreamUnavailable, type Invalidation } from './upstream.js';

let srv: TestAgentServer;
let other: TestAgentServer;
before(async () => {
  srv = await TestAgentServer.start();
  other = await TestAgentServer.start();
});
after(async () => {
  await srv.close();
  await other.close();
});

async function enrolled(events?: {
  minBackoffMs: number;
  maxBackoffMs: number;
}): Promise<{ client: AgentClient; e: Enrollment }> {
  const joinToken = `jt.${Math.random()}`;
  srv.joinTokens.add(joinToken);
  const e = await AgentClient.enroll({ serverUrl: `${srv.url}/`, ca: srv.ca, joinToken, hostname: 'host-1' });
  const client = new AgentClient({
    serverUrl: srv.url,
    ca: srv.ca,
    agentId: e.agentId,
    privateKey: e.privateKey,
    ...(events ? { events } : {}),
  });
  return { client, e };
}

describe('AgentClient.enroll', () => {
  it('sends only the public half of a fresh P-256 key and returns the enrollment', async () => {
    const { client, e } = await enrolled();
    client.close();
    const req = srv.seen.findLast((s) => s.path === '/enroll')!;
    const body = req.body as { publicJwk: Record<string, string>; hostname: string };
    assert.deepEqual(Object.keys(body.publicJwk).sort(), ['crv', 'kty', 'x', 'y']);
    assert.equal(body.hostname, 'host-1');
    assert.equal(e.resourceId, srv.resourceId);
    assert.equal(e.expiresAt, null);
    assert.equal(e.privateKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  });

  it('surfaces a refused join token as UpstreamRefusal', async () => {
    await assert.rejects(
      AgentClient.enroll({ serverUrl: srv.url, ca: srv.ca, joinToken: 'jt.used', hostname: 'h' }),
      (err: unknown) => err instanceof UpstreamRefusal && err.status === 401 && err.error === 'invalid_join_token',
    );
  });

  it('refuses http URLs and servers whose certificate is not from the given CA', async () => {
    await assert.rejects(
      AgentClient.enroll({ serverUrl: 'http://127.0.0.1:1', ca: srv.ca, joinToken: 'jt.secret', hostname: 'h' }),
      /must be https/,
    );
    await assert.rejects(
      AgentClient.enroll({ serverUrl: other.url, ca: srv.ca, joinToken: 'jt.secret', hostname: 'h' }),
      UpstreamUnavailable,
    );
    assert.ok(other.joinTokens.has('jt.secret'), 'the untrusted server never saw the token');
  });
});

describe('AgentClient calls', () => {
  it('mints with a fresh ES256 assertion that the server verifies (aud, iss, sub, kid, exp, jti)', async () => {
    const { client, e } = await enrolled();
    const t1 = await client.mint('https://vault.azure.net', { name: 'client_id', value: 'c-1' }, 'corr-1');
    const t2 = await client.mint('https://vault.azure.net', undefined, 'corr-2');
    client.close();
    assert.equal(t1.resource, 'https://vault.azure.net');
    assert.equal(t1.clientId, 'c-1');
    assert.notEqual(t1.accessToken, t2.accessToken);
    const [a, b] = srv.seen.filter((s) => s.path === '/token').slice(-2);
    assert.deepEqual(a!.body, { resource: 'https://vault.azure.net', selector: { name: 'client_id', value: 'c-1' } });
    assert.deepEqual(b!.body, { resource: 'https://vault.azure.net' });
    assert.equal(a!.claims!.iss, e.agentId);
    assert.equal(a!.claims!.aud, `${srv.url}/openmi/agent/v1`);
    assert.equal(Number(a!.claims!.exp) - Number(a!.claims!.iat), 120);
    assert.notEqual(a!.claims!.jti, b!.claims!.jti);
    assert.equal(a!.headers['x-ms-client-request-id'], 'corr-1');
  });

  it('is refused by the server when the key is not the enrolled one', async () => {
    const { e } = await enrolled();
    const { e: e2 } = await enrolled();
    const impostor = new AgentClient({ serverUrl: srv.url, ca: srv.ca, agentId: e.agentId, privateKey: e2.privateKey });
    await assert.rejects(
      impostor.mint('r', undefined, 'c'),
      (err: unknown) => err instanceof UpstreamRefusal && err.status === 401 && err.error === 'invalid_agent',
    );
    impostor.close();
  });

  it('maps a JSON 4xx to UpstreamRefusal and a 5xx to UpstreamUnavailable', async () => {
    const { client } = await enrolled();
    srv.onMint = () => ({
      status: 400,
      json: { error: 'identity_not_found', error_description: 'client_id x is not attached' },
    });
    await assert.rejects(
      client.mint('r', { name: 'client_id', value: 'x' }, 'c'),
      (err: unknown) =>
        err instanceof UpstreamRefusal &&
        err.status === 400 &&
        err.error === 'identity_not_found' &&
        err.description === 'client_id x is not attached',
    );
    srv.onMint = () => ({ status: 502, json: { error: 'bad_gateway' } });
    await assert.rejects(
      client.mint('r', undefined, 'c'),
      (err: unknown) => err instanceof UpstreamUnavailable && /answered 502/.test(err.message),
    );
    srv.onMint = () => ({ status: 404, json: 'not json of ours' });
    await assert.rejects(client.mint('r', undefined, 'c'), UpstreamUnavailable);
    srv.onMint = () => ({ status: 200, json: { accessToken: 'x' } });
    await assert.rejects(client.mint('r', undefined, 'c'), /lacks 'issuedAt'/);
    client.close();
  });

  it('reports refused connections and silent servers as UpstreamUnavailable naming the server', async () => {
    const { e } = await enrolled();
    const closed = createTcpServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadPort = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const dead = new AgentClient({
      serverUrl: `https://127.0.0.1:${deadPort}`,
      ca: srv.ca,
      agentId: e.agentId,
      privateKey: e.privateKey,
    });
    await assert.rejects(
      dead.instanceMetadata('c'),
      (err: unknown) => err instanceof UpstreamUnavailable && err.message.includes(`127.0.0.1:${deadPort}`),
    );
    dead.close();

    // Accepts the connection and never says a word, not even the TLS handshake. Its sockets are
    // destroyed before close(): whether the client's hang-up reaches this side is a race, and
    // close() waits for every connection to end (a CI run once hung here).
    const sockets = new Set<Socket>();
    const silent = createTcpServer((s) => {
      sockets.add(s.resume());
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const slow = new AgentClient({
      serverUrl: `https://127.0.0.1:${port}`,
      ca: srv.ca,
      agentId: e.agentId,
      privateKey: e.privateKey,
      timeoutMs: 200,
    });
    await assert.rejects(
      slow.instanceMetadata('c'),
      (err: unknown) => err instanceof UpstreamUnavailable && /no answer within 0.2 s/.test(err.message),
    );
    slow.close();
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => silent.close(() => r()));
  });

  it('reads instance metadata and leaves with DELETE /self', async () => {
    srv.onMint = (b) => ({ status: 200, json: b });
    const { client } = await enrolled();
    assert.deepEqual(await client.instanceMetadata('c'), {
      compute: { resourceId: srv.resourceId, location: 'local' },
    });
    await client.leave();
    assert.equal(srv.seen.at(-1)!.method, 'DELETE');
    assert.equal(srv.seen.at(-1)!.path, '/self');
    client.close();
  });
});

describe('event stream', () => {
  it('parses events across chunk boundaries, ignores comments, and dispatches on blank lines', () => {
    const got: Array<[string, string]> = [];
    const p = new SseParser((event, data) => got.push([event, data]));
    for (const chunk of [
      ': ping\n',
      'event: inval',
      'idate\r',
      '\ndata: {"ids":\rdata:["a"]}\r\n',
      '\r\n',
      'data: x\n\n',
      'event: ready\n\n',
    ])
      p.push(chunk);
    assert.deepEqual(got, [
      ['invalidate', '{"ids":\n["a"]}'],
      ['message', 'x'],
      ['ready', ''],
    ]);
  });

  it('delivers invalidations and reconnects after a drop, calling onReconnect only then', async () => {
    const { client } = await enrolled({ minBackoffMs: 20, maxBackoffMs: 40 });
    const events: Invalidation[] = [];
    let reconnects = 0;
    const sub = client.subscribe(
      (inv) => events.push(inv),
      () => reconnects++,
    );
    try {
      await waitFor(() => srv.streams.size === 1, { what: 'first connection' });
      srv.invalidate(['/subscriptions/s/uami1', 'oid-2']);
      await waitFor(() => events.length === 1, { what: 'the invalidate event' });
      assert.deepEqual(events[0], { ids: ['/subscriptions/s/uami1', 'oid-2'] });
      assert.equal(reconnects, 0, 'not called for the first connection');
      srv.dropStreams();
      await waitFor(() => reconnects === 1 && srv.streams.size === 1, { what: 'the reconnection' });
      srv.invalidate(['x']);
      await waitFor(() => events.length === 2, { what: 'an event on the new stream' });
      srv.sendRaw('event: invalidate\ndata: {"ids": "not-a-list"}\n\n');
      await waitFor(() => reconnects === 2, { what: 'an unreadable invalidation to count as missed events' });
      assert.equal(events.length, 2);
    } finally {
      sub.close();
      client.close();
    }
    await waitFor(() => srv.streams.size === 0, { what: 'the stream to close' });
  });
});
