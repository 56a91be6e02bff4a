import assert from 'node:assert/strict';
import { Agent, createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { RawConnection, type Outcome } from '../../../test/fuzz/raw-http.js';
import { createLogger } from '../log.js';
import {
  BodyTooFragmentedError,
  BodyTooLargeError,
  bodyRefusal,
  FREE_BODY_PIECES,
  readBody,
  tooFragmented,
} from './body.js';
import { GuardedResponse, guardListener } from './guard.js';

const LIMIT = 4 * 1024 * 1024;

/** A chunked request's head and chunks of `size` bytes, `count` of them; no terminating chunk unless `end`. */
function chunked(target: string, size: number, count: number, end: boolean): Buffer {
  const chunk = `${size.toString(16)}\r\n${'a'.repeat(size)}\r\n`;
  return Buffer.from(
    `POST ${target} HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n${chunk.repeat(count)}${end ? '0\r\n\r\n' : ''}`,
  );
}

// The listeners' own response class, and the per-response fallback for a listener made without it.
const LISTENERS: Array<[string, () => Server]> = [
  ['GuardedResponse', () => createServer({ ServerResponse: GuardedResponse })],
  ['a plain listener', () => createServer()],
];

for (const [kind, listener] of LISTENERS)
  describe(`readBody and the listener guard (${kind}): a body in tiny pieces costs the server little`, () => {
    let server: Server;
    let port = 0;
    const exchange = async (bytes: Buffer, then?: Buffer): Promise<[Outcome, Outcome | undefined]> => {
      const c = await RawConnection.open({ host: '127.0.0.1', port, tls: false }, 10_000);
      try {
        const first = await c.exchange(bytes, 'POST', 30_000);
        return [first, then ? await c.exchange(then, 'GET', 10_000) : undefined];
      } finally {
        c.close();
      }
    };
    const show = (o: Outcome | undefined) => (o?.kind === 'answer' ? `${o.status} ${o.body.toString()}` : o?.kind);

    before(async () => {
      server = listener();
      // Longer than any wait here: a connection that ends, ends because the guard closed it.
      server.keepAliveTimeout = 60_000;
      const admit = guardListener(server, {
        log: createLogger('silent'),
        limits: { maxHeaderBytes: 16 * 1024, maxUrlBytes: 1024, maxConnectionsPerClient: 64 },
        envelope: 'arm',
      });
      server.on('request', (req, res) => {
        if (!admit(req, res)) return;
        const answer = (status: number, text: string): void =>
          void res.writeHead(status, { 'content-length': Buffer.byteLength(text) }).end(text);
        if (req.url === '/early') return answer(401, 'auth');
        void readBody(req, LIMIT).then(
          (b) => answer(200, String(b.length)),
          (e: Error) => answer(e instanceof BodyTooLargeError ? 413 : 500, e.message),
        );
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      port = (server.address() as AddressInfo).port;
    });
    after(() => {
      server.closeAllConnections();
      server.close();
    });

    it('refuses 1-byte chunks once they are too many, before the body ends (it never does here)', async () => {
      const [out] = await exchange(chunked('/read', 1, FREE_BODY_PIECES + 500, false));
      assert.match(
        show(out)!,
        /^413 request body arrived in 16645 pieces for 16645 bytes, .*Content-Length or in larger chunks$/,
      );
    });

    it('reads a body sent as many 100-byte chunks, and one of a few large ones', async () => {
      assert.equal(show((await exchange(chunked('/read', 100, 20_000, true)))[0]), '200 2000000');
      assert.equal(show((await exchange(chunked('/read', 65_536, 8, true)))[0]), '200 524288');
    });

    it('closes a connection whose body was not read after answering, instead of parsing the rest', async () => {
      const head = Buffer.from(
        `POST /early HTTP/1.1\r\nhost: x\r\ncontent-length: 100000000\r\n\r\n${'a'.repeat(1000)}`,
      );
      const [first, next] = await exchange(head, Buffer.from('GET /read HTTP/1.1\r\nhost: x\r\n\r\n'));
      assert.equal(show(first), '401 auth', 'the answer reaches the client whole');
      assert.equal(first.kind === 'answer' && first.headers.get('connection'), 'close', 'and says the connection ends');
      assert.equal(show(next), 'closed', 'then it ends: not drained for 100 MB, not left open');
    });

    it("a keep-alive client's next request after such an answer goes on a new connection and is answered", async () => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const post = (path: string, body: Buffer) =>
        new Promise<string>((resolve, reject) => {
          const r = request(
            { host: '127.0.0.1', port, method: 'POST', path, agent, headers: { 'content-length': body.length } },
            (res) => {
              let text = '';
              res.on('data', (d: Buffer) => (text += d.toString()));
              res.on('end', () => resolve(`${res.statusCode} ${text}`));
            },
          );
          r.on('error', reject);
          r.end(body);
        });
      try {
        for (let i = 0; i < 3; i++) {
          assert.equal(await post('/early', Buffer.alloc(3_000_000, 0x61)), '401 auth');
          assert.equal(await post('/read', Buffer.from('abc')), '200 3');
        }
      } finally {
        agent.destroy();
      }
    });

    it('the allowance: 16,384 pieces of any size, and one more per 64 bytes of body', () => {
      assert.ok(!tooFragmented(FREE_BODY_PIECES, 0));
      assert.ok(tooFragmented(FREE_BODY_PIECES + 1, 0));
      assert.ok(!tooFragmented(FREE_BODY_PIECES + 1000, 1000 * 64));
      assert.ok(tooFragmented(FREE_BODY_PIECES + 1001, 1000 * 64));
      // 1-byte pieces: refused at the 16,645th (16,645 > 16,384 + 16,645/64).
      assert.ok(!tooFragmented(16_644, 16_644) && tooFragmented(16_645, 16_645));
    });

    it("a surface's own words for a body too large; the pieces and the fix for one in too many", () => {
      assert.equal(bodyRefusal(new BodyTooLargeError(10), 'Send a smaller body.'), 'Send a smaller body.');
      assert.match(
        bodyRefusal(new BodyTooFragmentedError(10, 16_645, 16_645), 'Send a smaller body.'),
        /^request body arrived in 16645 pieces for 16645 bytes, .*larger chunks\.$/,
      );
    });
  });
