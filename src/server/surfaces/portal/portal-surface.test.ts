import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../kernel/log.js';
import type { RequestContext } from '../../../kernel/http/context.js';
import { pathSegments, splitTarget } from '../../../kernel/http/path.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import { httpsRequest } from '../../../../test/helpers/https.js';
import { PORTAL_SECURITY_HEADERS, PortalSurface } from './portal-surface.js';

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Serves one surface over plain HTTP, the way the listener would dispatch to it (404 when it does not match). */
function serve(surface: PortalSurface): Server {
  return createServer((req, res) => {
    const { path, query, rawQuery } = splitTarget(req.url ?? '/');
    const ctx: RequestContext = {
      req,
      res,
      method: req.method ?? 'GET',
      path,
      segments: pathSegments(path),
      query,
      rawQuery,
      hostname: 'localhost',
      requestId: 'r',
      correlationId: 'c',
      log: createLogger('silent'),
      startedAt: performance.now(),
    };
    if (!surface.matches(ctx)) {
      res.writeHead(599).end();
      return;
    }
    surface.handle(ctx).catch((e: unknown) => surface.renderError(ctx, e));
  });
}

/** Sends the path byte for byte (no client-side normalization of `..` or escapes). */
function get(server: Server, path: string, method = 'GET', headers: Record<string, string> = {}): Promise<Reply> {
  const { port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const assertSecurityHeaders = (r: Reply) => {
  for (const [k, v] of Object.entries(PORTAL_SECURITY_HEADERS)) assert.equal(r.headers[k], v, k);
};

describe('PortalSurface (static UI files)', () => {
  let root: string;
  let server: Server;
  let unbuilt: Server;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'openmi-portal-'));
    const ui = join(root, 'ui');
    mkdirSync(join(ui, 'assets', 'fonts'), { recursive: true });
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>openmi</title>');
    writeFileSync(join(ui, 'assets', 'index-abc123.js'), 'console.log(1)');
    writeFileSync(join(ui, 'assets', 'index-abc123.css'), 'body{}');
    writeFileSync(join(ui, 'assets', 'fonts', 'x.woff2'), 'w');
    writeFileSync(join(ui, 'assets', 'notes.txt'), 'not served');
    writeFileSync(join(root, 'secret.js'), 'SECRET');
    symlinkSync(join(root, 'secret.js'), join(ui, 'assets', 'link.js'));
    server = serve(new PortalSurface({ uiDir: ui }));
    unbuilt = serve(new PortalSurface({ uiDir: join(root, 'missing') }));
    await Promise.all([server, unbuilt].map((s) => new Promise<void>((r) => s.listen(0, '127.0.0.1', r))));
  });
  after(async () => {
    await Promise.all([server, unbuilt].map((s) => new Promise((r) => s.close(r))));
    rmSync(root, { recursive: true, force: true });
  });

  it('redirects /portal to /portal/ (301)', async () => {
    const r = await get(server, '/portal');
    assert.equal(r.status, 301);
    assert.equal(r.headers.location, '/portal/');
    assertSecurityHeaders(r);
  });

  it('serves index.html at /portal/ and /portal/index.html, revalidated on every load', async () => {
    for (const p of ['/portal/', '/portal/index.html', '/portal/?x=1']) {
      const r = await get(server, p);
      assert.equal(r.status, 200, p);
      assert.equal(r.body, '<!doctype html><title>openmi</title>');
      assert.equal(r.headers['content-type'], 'text/html; charset=utf-8');
      assert.equal(r.headers['cache-control'], 'no-cache');
      assertSecurityHeaders(r);
    }
  });

  it('serves assets with their type, immutable; HEAD sends no body', async () => {
    const js = await get(server, '/portal/assets/index-abc123.js');
    assert.equal(js.status, 200);
    assert.equal(js.body, 'console.log(1)');
    assert.equal(js.headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal(js.headers['cache-control'], 'public, max-age=31536000, immutable');
    assertSecurityHeaders(js);
    assert.equal(
      (await get(server, '/portal/assets/index-abc123.css')).headers['content-type'],
      'text/css; charset=utf-8',
    );
    assert.equal((await get(server, '/portal/assets/fonts/x.woff2')).headers['content-type'], 'font/woff2');
    const head = await get(server, '/portal/assets/index-abc123.js', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.headers['content-length'], '14');
    assert.equal(head.body, '');
  });

  it('answers 404 text for anything else (no index.html fallback: the UI routes in the fragment)', async () => {
    for (const p of [
      '/portal/sign-in',
      '/portal/assets/missing.js',
      '/portal/assets/notes.txt',
      '/portal/assets',
      '/portal/assets/fonts',
      '/portal/index.htm',
    ]) {
      const r = await get(server, p);
      assert.equal(r.status, 404, p);
      assert.match(r.headers['content-type'] as string, /^text\/plain/);
      assertSecurityHeaders(r);
    }
  });

  it('never leaves the UI directory', async () => {
    const attempts = [
      '/portal/assets/../../secret.js',
      '/portal/assets/%2e%2e/%2e%2e/secret.js',
      '/portal/assets/..%2f..%2fsecret.js',
      '/portal/assets/..%2F..%2Fsecret.js',
      '/portal/assets/..%5c..%5csecret.js',
      '/portal/assets/x.js%00.png',
      '/portal/assets/link.js',
      '/portal/assets//etc/passwd',
      '/portal/assets/%252e%252e/secret.js',
      '/portal/assets/%E0%A4%A.js',
      `/portal/assets/${encodeURIComponent(join(root, 'secret.js'))}`,
    ];
    for (const p of attempts) {
      const r = await get(server, p);
      assert.ok(r.status === 404 || r.status === 301, `${p}: ${r.status}`);
      assert.ok(!r.body.includes('SECRET'), p);
    }
  });

  it('matches only GET and HEAD under /portal, and / only for browsers', async () => {
    assert.equal((await get(server, '/portal/', 'POST')).status, 599);
    assert.equal((await get(server, '/portals')).status, 599);
    assert.equal((await get(server, '/')).status, 599);
    assert.equal((await get(server, '/', 'GET', { accept: 'application/json' })).status, 599);
    const browser = await get(server, '/', 'GET', { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' });
    assert.equal(browser.status, 302);
    assert.equal(browser.headers.location, '/portal/');
    assertSecurityHeaders(browser);
  });

  it('explains a portal that was not built (503)', async () => {
    const r = await get(unbuilt, '/portal/');
    assert.equal(r.status, 503);
    assert.equal(r.body, "The portal was not built. Run 'npm run build' in the openmi checkout.\n");
    assert.match(r.headers['content-type'] as string, /^text\/plain/);
    assertSecurityHeaders(r);
  });
});

describe('PortalSurface in the running server', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());

  it('a browser opening / is sent to /portal/; API clients still get the ARM answer', async () => {
    const browser = await httpsRequest(`${t.server.baseUrl}/`, { ca: t.ca, headers: { accept: 'text/html' } });
    assert.equal(browser.status, 302);
    assert.equal(browser.headers['location'], '/portal/');
    const api = await httpsRequest(`${t.server.baseUrl}/`, { ca: t.ca, headers: { accept: 'application/json' } });
    assert.notEqual(api.status, 302);
    assert.match(api.headers['content-type'] as string, /json/);
  });

  it('/portal is the portal surface even where the token service would match (/portal/discovery/keys)', async () => {
    const r = await httpsRequest(`${t.server.baseUrl}/portal/discovery/keys`, { ca: t.ca });
    assert.equal(r.status, 404);
    assert.match(r.headers['content-type'] as string, /^text\/plain/);
    assert.equal((await httpsRequest(`${t.server.baseUrl}/portal`, { ca: t.ca })).status, 301);
  });
});
