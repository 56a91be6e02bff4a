/**
 * `openmi gate` (the real CLI) in front of a real upstream that records every request it gets:
 * path spellings, methods and headers a caller with only the read action could use to reach an
 * admin-only path or to speak for someone else (docs/security.md, finding 2).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import fc from 'fast-check';
import { grantDataActions, startGate } from '../helpers/gate.js';
import { startTestServer, type TestServer } from '../helpers/server.js';

const READ = 'Contoso.Orders/orders/read';
const ADMIN = 'Contoso.Orders/admin/action';
const RULES = [
  { method: '*', path: '/admin/**', dataAction: ADMIN },
  { method: 'GET', path: '/public/**', dataAction: READ },
  { method: 'POST', path: '/public/echo', dataAction: READ },
  { method: 'GET', path: '/**', dataAction: READ },
];

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * Where a lenient upstream routes a path: it decodes once, cuts at NUL, reads `\` as `/`, drops
 * `;` parameters, collapses slashes, resolves dot segments and ignores case (Express, Tomcat, IIS
 * each do some of this). A path the gate forwards must not land on /admin here.
 */
function lenientRoute(url: string): string {
  let p = url.split('?')[0]!;
  try {
    p = decodeURIComponent(p);
  } catch {
    /* routed undecoded */
  }
  const segments = p
    .split('\0')[0]!
    .replace(/\\/g, '/')
    .split('/')
    .map((s) => s.split(';')[0]!);
  const out: string[] = [];
  for (const s of segments)
    if (s === '..') out.pop();
    else if (s !== '' && s !== '.') out.push(s);
  return `/${out.join('/')}`.toLowerCase();
}
const reachesAdmin = (url: string) => /^\/admin(\/|$)/.test(lenientRoute(url));

function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; json: any }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : undefined }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Bytes exactly as written, for framing Node's client would not produce; resolves with the whole answer. */
function rawRequest(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = connect(port, '127.0.0.1', () => c.write(bytes));
    let text = '';
    c.on('data', (d) => (text += d));
    c.on('end', () => resolve(text));
    c.on('error', reject);
  });
}

describe('openmi gate: one path authorized, the same path forwarded', () => {
  let t: TestServer;
  let upstream: Server;
  const gates: ChildProcess[] = [];
  const seen: Seen[] = [];
  let token: string;
  let ports: { strict: number; insensitive: number; sensitive: number };
  const auth = () => ({ authorization: `Bearer ${token}` });
  /** Sends through a gate and returns the answer and what the upstream got for it (if anything). */
  const through = async (
    port: number,
    method: string,
    path: string,
    headers: Record<string, string> = auth(),
    body?: string,
  ) => {
    const before = seen.length;
    const r = await send(port, method, path, headers, body);
    return { ...r, got: seen.slice(before) };
  };

  before(async () => {
    t = await startTestServer();
    upstream = createServer((req, res) => {
      const s: Seen = { method: req.method!, url: req.url!, headers: req.headers, body: '' };
      seen.push(s);
      req.on('data', (c) => (s.body += c));
      req.on('end', () => res.end(JSON.stringify({ url: req.url })));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
    const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const resource = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-app/providers/Contoso.Orders/services/orders`;
    const start = async (name: string, config: object) => {
      const file = join(t.dataDir, `gate-${name}.json`);
      writeFileSync(file, JSON.stringify(config));
      const g = await startGate([
        '--upstream',
        upstreamUrl,
        '--resource',
        resource,
        '--config',
        file,
        '--listen',
        '127.0.0.1:0',
        '--data-dir',
        t.dataDir,
      ]);
      gates.push(g.child);
      return g.port;
    };
    const [strict, insensitive, sensitive] = await Promise.all([
      start('strict', { rules: RULES }),
      start('insensitive', {
        rules: [{ method: 'HEAD', path: '/public/**', dataAction: 'Contoso.Orders/probe/action' }, ...RULES],
        pathCase: 'insensitive',
        options: 'forward-unauthenticated',
      }),
      start('sensitive', { rules: RULES, pathCase: 'sensitive' }),
    ]);
    ports = { strict: strict!, insensitive: insensitive!, sensitive: sensitive! };
    token = await t.adminToken('api://orders');
    const oid = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).oid as string;
    await grantDataActions(t, oid, [READ]);
  });
  after(async () => {
    for (const g of gates) g.kill();
    upstream.close();
    await t.stop();
  });

  it('admits the read caller on public paths and refuses the admin path (the baseline)', async () => {
    const ok = await through(ports.strict, 'GET', '/public/a');
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.deepEqual(
      ok.got.map((s) => s.url),
      ['/public/a'],
    );
    const admin = await through(ports.strict, 'GET', '/admin/users');
    assert.equal(admin.status, 403);
    assert.match(admin.json.error.message, /Contoso\.Orders\/admin\/action/);
    assert.deepEqual(admin.got, []);
  });

  it('no spelling of the admin path gets there: each is refused with 400 or 403 and the upstream never sees it', async () => {
    const spellings = [
      '//admin/users',
      '///admin/users',
      '/%61dmin/users',
      '/%61%64%6D%69%6E/users',
      '/x/..%2fadmin/users',
      '/public/..%2fadmin%2fusers',
      '/public/..%2Fadmin/users',
      '/./admin/users',
      '/public/../admin/users',
      '/public/%2e%2e/admin/users',
      '/public/%2E%2E/admin/users',
      '/public/.%2e/admin/users',
      '/public/%2e%2e%2fadmin/users',
      '/public/..%5cadmin/users',
      '/\\admin/users',
      '/public\\..\\admin/users',
      '/admin%00/users',
      '/public/x%00/../../admin/users',
      '/ad%ZZmin/users',
      '/public/..%c0%afadmin/users',
      '/public/%c0%ae%c0%ae/admin/users',
      '/%2561dmin/users',
      '/public/..%252fadmin/users',
      '/public/..;/admin/users',
      '/admin;x=1/users',
      '/ADMIN/users',
      '/Admin/users',
      '/public/../ADMIN/users',
      'http://127.0.0.1/admin/users',
    ];
    for (const path of spellings) {
      const r = await through(ports.strict, 'GET', path);
      assert.ok(
        r.status === 400 || r.status === 403,
        `${path}: ${r.status} ${JSON.stringify(r.json)} upstream got ${JSON.stringify(r.got.map((s) => s.url))}`,
      );
      assert.deepEqual(r.got, [], `${path} reached the upstream`);
    }
    assert.equal(seen.filter((s) => reachesAdmin(s.url)).length, 0);
  });

  it('400 says what is wrong with the target', async () => {
    const cases: [string, RegExp][] = [
      ['/public/..%2fadmin%2f', /encoded '\/'/],
      ['/\\admin', /'\\'/],
      ['/admin%00', /control character/],
      ['/ad%ZZmin', /invalid percent-encoding/],
      ['/%c0%af', /not valid UTF-8/],
      ['/%2561dmin', /double encoding/],
      ['http://127.0.0.1/admin', /full URL/],
    ];
    for (const [path, message] of cases) {
      const r = await through(ports.strict, 'GET', path);
      assert.equal(r.status, 400, path);
      assert.equal(r.json.error.code, 'InvalidRequestPath');
      assert.match(r.json.error.message, message, path);
    }
  });

  it('forwards exactly the normalized path it authorized, with the query unchanged', async () => {
    const cases: [string, string][] = [
      ['/public//b/./c/../d', '/public/b/d'],
      ['/%70ublic/a?x=%2F&y=..%2f&z=%2e%2e', '/public/a?x=%2F&y=..%2f&z=%2e%2e'],
      ['/100%25/a%25%20b', '/100%25/a%25%20b'],
      ['/public/caf%c3%a9', '/public/caf%C3%A9'],
      ['/public/../other/', '/other/'],
    ];
    for (const [path, forwarded] of cases) {
      const r = await through(ports.strict, 'GET', path);
      assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.json)}`);
      assert.deepEqual(
        r.got.map((s) => s.url),
        [forwarded],
        path,
      );
    }
  });

  it('HEAD follows the GET rules unless a rule names HEAD', async () => {
    const head = await through(ports.strict, 'HEAD', '/public/a');
    assert.equal(head.status, 200);
    assert.deepEqual(
      head.got.map((s) => `${s.method} ${s.url}`),
      ['HEAD /public/a'],
    );
    assert.equal((await through(ports.strict, 'HEAD', '/admin/users')).status, 403);
    assert.equal((await through(ports.strict, 'HEAD', '//admin/users')).status, 403);
    const named = await through(ports.insensitive, 'HEAD', '/public/a');
    assert.equal(named.status, 403, 'the HEAD rule names an action the caller lacks');
    assert.equal(
      (await through(ports.insensitive, 'HEAD', '/other')).status,
      200,
      'no HEAD rule for /other: the GET rule decides',
    );
  });

  it('OPTIONS: "authorize" (default) needs a token and a rule; "forward-unauthenticated" forwards without identity', async () => {
    assert.equal((await through(ports.strict, 'OPTIONS', '/public/a', {})).status, 401);
    assert.equal(
      (await through(ports.strict, 'OPTIONS', '/public/a')).status,
      403,
      'no rule names OPTIONS for /public',
    );
    const pre = await through(ports.insensitive, 'OPTIONS', '/public//a', {
      origin: 'https://app.example',
      'x-openmi-principal-id': 'spoofed',
    });
    assert.equal(pre.status, 200);
    assert.equal(pre.got[0]!.url, '/public/a', 'still normalized');
    assert.equal(pre.got[0]!.headers['x-openmi-principal-id'], undefined, 'no identity on an unauthenticated forward');
    assert.equal((await through(ports.insensitive, 'OPTIONS', '/public/..%2fadmin', {})).status, 400);
  });

  it('letter case follows pathCase: strict refuses a case-dependent rule, insensitive folds, sensitive compares exactly', async () => {
    assert.equal((await through(ports.strict, 'GET', '/ADMIN/users')).status, 403);
    assert.match((await through(ports.strict, 'GET', '/ADMIN/users')).json.error.message, /letter case/);
    assert.equal((await through(ports.strict, 'GET', '/Other')).status, 200, 'case that changes no rule passes');
    assert.equal((await through(ports.insensitive, 'GET', '/ADMIN/users')).status, 403);
    const folded = await through(ports.insensitive, 'GET', '/PUBLIC/a');
    assert.equal(folded.status, 200);
    assert.deepEqual(
      folded.got.map((s) => s.url),
      ['/PUBLIC/a'],
      'case is compared, not rewritten',
    );
    const exact = await through(ports.sensitive, 'GET', '/ADMIN/users');
    assert.equal(exact.status, 200, 'sensitive: /ADMIN is another path, read by the catch-all rule');
    assert.deepEqual(
      exact.got.map((s) => s.url),
      ['/ADMIN/users'],
    );
  });

  it('identity, address and hop-by-hop headers reach the upstream only as the gate sets them', async () => {
    const r = await through(ports.strict, 'GET', '/public/a', {
      ...auth(),
      connection: 'keep-alive, X-OpenMI-Principal-Id',
      'x-openmi-principal-id': 'spoofed',
      'x-openmi-tenant-id': 'spoofed',
      'x-forwarded-for': '10.9.9.9',
      'x-forwarded-host': 'admin.internal',
      forwarded: 'for=10.9.9.9;proto=https',
      'x-real-ip': '10.9.9.9',
      'x-original-url': '/admin/users',
      upgrade: 'websocket',
    });
    assert.equal(r.status, 200);
    const h = r.got[0]!.headers;
    assert.notEqual(h['x-openmi-principal-id'], 'spoofed');
    assert.match(String(h['x-openmi-principal-id']), /^[0-9a-f-]{36}$/);
    assert.equal(h['x-openmi-tenant-id'], undefined);
    assert.equal(h['x-forwarded-for'], '127.0.0.1');
    assert.equal(h['x-forwarded-host'], `127.0.0.1:${ports.strict}`);
    assert.equal(h.forwarded, undefined);
    assert.equal(h['x-real-ip'], undefined);
    assert.equal(h['x-original-url'], undefined);
    assert.equal(h.upgrade, undefined);
    assert.doesNotMatch(String(h.connection ?? ''), /openmi/i);
  });

  it('bodies keep their framing: a length, a chunked body, and no request smuggled inside one', async () => {
    const sized = await through(
      ports.strict,
      'POST',
      '/public/echo',
      { ...auth(), 'content-type': 'text/plain', 'content-length': '5' },
      'hello',
    );
    assert.equal(sized.status, 200);
    assert.equal(sized.got[0]!.body, 'hello');
    const hidden = 'GET /admin/users HTTP/1.1\r\nHost: upstream\r\n\r\n';
    const before = seen.length;
    const raw = await rawRequest(
      ports.strict,
      `GET /public/a HTTP/1.1\r\nHost: gate\r\nAuthorization: Bearer ${token}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n${hidden.length.toString(16)}\r\n${hidden}\r\n0\r\n\r\n`,
    );
    assert.match(raw, /^HTTP\/1\.1 200/);
    await new Promise((r) => setTimeout(r, 200)); // a window for a smuggled request that must not come
    assert.deepEqual(
      seen.slice(before).map((s) => [s.url, s.body]),
      [['/public/a', hidden]],
      'the body stays a body',
    );
  });

  it('property: whatever the spelling, the upstream gets a canonical path that is never the admin path', async () => {
    const pieces = [
      '/',
      '//',
      '.',
      '..',
      '%2e',
      '%2E',
      '%2f',
      '%5c',
      '\\',
      ';',
      'admin',
      'ADMIN',
      'Admin',
      'public',
      'x',
      '%61',
      '%41',
      '%25',
      '%00',
      '%',
      '%c0%af',
      '%c3%a9',
      '?q=%2f',
      '#',
    ];
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 10 }), async (parts) => {
        const path = `/${parts.join('')}`;
        const r = await through(ports.strict, 'GET', path);
        assert.ok([200, 400, 403].includes(r.status), `${path}: ${r.status}`);
        if (r.status !== 200) return assert.deepEqual(r.got, [], path);
        const url = r.got[0]!.url;
        const [p, ...q] = url.split('?');
        assert.doesNotMatch(p!, /\/\/|\/\.\.?(\/|$)|\\|%2f|%5c|%00|;/i, `${path} -> ${url}`);
        assert.equal(
          q.join('?'),
          path.includes('?') ? path.slice(path.indexOf('?') + 1) : '',
          `${path}: the query is forwarded unchanged`,
        );
        assert.ok(!reachesAdmin(url), `${path} -> ${url} reaches /admin`);
      }),
      { numRuns: 300 },
    );
  });
});
