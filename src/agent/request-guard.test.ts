import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { createLogger } from '../kernel/log.js';
import { rawRequest, type RawReply } from '../../test/helpers/raw-http.js';
import { startAgent, type RunningAgent } from './agent-runtime.js';
import { MAX_PARAM_CHARS } from './metadata-params.js';
import { RequestGuard } from './request-guard.js';
import { TestAgentServer } from '../../test/helpers/agent-server.js';

/**
 * docs/security.md finding 6, on a real agent (startAgent against a server speaking the agent protocol):
 * no endpoint family answers a foreign or rebound Host, a browser (Origin, Sec-Fetch-Site) or a
 * CORS preflight, whether the token is cached (IMDS fast path) or not; malformed parameters are
 * refused before anything reaches the server.
 */

let srv: TestAgentServer;
let agent: RunningAgent;
let port = 0;
before(async () => {
  srv = await TestAgentServer.start();
  agent = await startAgent({
    serverUrl: srv.url,
    ca: srv.ca,
    joinToken: 'jt.secret',
    listenHost: '127.0.0.1',
    listenPort: 0,
    log: createLogger('silent'),
  });
  port = agent.port;
});
after(async () => {
  await agent.close({ leave: false });
  await srv.close();
});

interface Family {
  name: string;
  /** Request line and family headers for `resource` (form families put it in the body). */
  request(resource: string): { line: string; headers: string[]; body: string };
}

const q = (r: string) => encodeURIComponent(r);
const FAMILIES: Family[] = [
  {
    name: 'IMDS token',
    request: (r) => ({
      line: `GET /metadata/identity/oauth2/token?api-version=2018-02-01&resource=${q(r)} HTTP/1.1`,
      headers: ['Metadata: true'],
      body: '',
    }),
  },
  {
    name: 'instance',
    request: () => ({
      line: 'GET /metadata/instance?api-version=2021-02-01 HTTP/1.1',
      headers: ['Metadata: true'],
      body: '',
    }),
  },
  {
    name: 'App Service 2019',
    request: (r) => ({
      line: `GET /msi/token?api-version=2019-08-01&resource=${q(r)} HTTP/1.1`,
      headers: [`X-IDENTITY-HEADER: ${agent.identityHeader}`],
      body: '',
    }),
  },
  {
    name: 'App Service 2017',
    request: (r) => ({
      line: `GET /msi/token?api-version=2017-09-01&resource=${q(r)} HTTP/1.1`,
      headers: [`secret: ${agent.msiSecret}`],
      body: '',
    }),
  },
  {
    name: 'Cloud Shell form',
    request: (r) => ({
      line: 'POST /msi/token HTTP/1.1',
      headers: ['Metadata: true', 'Content-Type: application/x-www-form-urlencoded'],
      body: `resource=${q(r)}`,
    }),
  },
];

const own = () => `Host: 127.0.0.1:${port}`;

function send(f: Family, resource: string, headers: string[], line?: string): Promise<RawReply> {
  const req = f.request(resource);
  return rawRequest(port, [line ?? req.line, ...headers, ...req.headers].join('\r\n'), req.body);
}

const noCors = (r: RawReply) =>
  assert.deepEqual(
    Object.keys(r.headers).filter((h) => h.startsWith('access-control-')),
    [],
    'no Access-Control-* header',
  );

function refused(r: RawReply, status: number, error: string, what: string): void {
  assert.equal(r.status, status, `${what}: ${r.text}`);
  const body = JSON.parse(r.text) as Record<string, unknown>;
  assert.deepEqual(Object.keys(body).sort(), ['error', 'error_description'], what);
  assert.equal(body['error'], error, what);
  assert.doesNotMatch(r.text, /access_token|compute/, what);
  noCors(r);
}

const ATTACKS: Array<[string, () => string[], string]> = [
  ['a rebound name', () => [`Host: evil.example:${port}`], 'host_not_allowed'],
  ['a rebound name without port', () => ['Host: evil.example'], 'host_not_allowed'],
  ['another IP literal', () => [`Host: 10.1.2.3:${port}`], 'host_not_allowed'],
  ['the right IP on another port', () => [`Host: 127.0.0.1:${port + 1}`], 'host_not_allowed'],
  ['a name that merely starts like ours', () => [`Host: 127.0.0.1:${port}.evil.example`], 'host_not_allowed'],
  ['no Host (HTTP/1.1)', () => [], 'host_not_allowed'],
  ['an Origin', () => [own(), 'Origin: https://evil.example'], 'browser_request_refused'],
  ['Origin: null', () => [own(), 'Origin: null'], 'browser_request_refused'],
  ['our own Origin', () => [own(), `Origin: http://127.0.0.1:${port}`], 'browser_request_refused'],
  ['Sec-Fetch-Site: cross-site', () => [own(), 'Sec-Fetch-Site: cross-site'], 'browser_request_refused'],
  ['Sec-Fetch-Site: same-site', () => [own(), 'Sec-Fetch-Site: same-site'], 'browser_request_refused'],
  [
    'Sec-Fetch-Site: same-origin (what rebinding looks like)',
    () => [own(), 'Sec-Fetch-Site: same-origin'],
    'browser_request_refused',
  ],
  ['Sec-Fetch-Site: none', () => [own(), 'Sec-Fetch-Site: none'], 'browser_request_refused'],
];

describe('metadata endpoints refuse browsers and foreign Host headers', () => {
  for (const f of FAMILIES) {
    for (const cached of [true, false]) {
      it(`${f.name}, ${cached ? 'cached' : 'uncached'}: every attack is refused, the same request with our Host is answered`, async () => {
        const resource = `api://guard-${f.name.replace(/\W/g, '')}-${cached}`;
        if (cached) assert.equal((await send(f, resource, [own()])).status, 200, 'warm the cache');
        const mints = srv.mints;
        for (const [what, headers, error] of ATTACKS)
          refused(await send(f, resource, headers()), 403, error, `${f.name}: ${what}`);
        const http10 = await send(f, resource, [], f.request(resource).line.replace('HTTP/1.1', 'HTTP/1.0'));
        refused(http10, 403, 'host_not_allowed', `${f.name}: HTTP/1.0 without Host`);
        assert.equal(srv.mints, mints, 'nothing refused reached the server');
        const ok = await send(f, resource, [own()]);
        assert.equal(ok.status, 200, ok.text);
        noCors(ok);
      });
    }
  }

  it('answers the addresses the agent is reached at, in any case', async () => {
    const imds = FAMILIES[0]!;
    for (const host of [
      `127.0.0.1:${port}`,
      `localhost:${port}`,
      `LocalHost:${port}`,
      '169.254.169.254',
      '169.254.169.254:80',
    ]) {
      assert.equal((await send(imds, 'api://hosts', [`Host: ${host}`])).status, 200, host);
    }
  });

  it('never answers a CORS preflight, and says which methods exist to a non-browser OPTIONS', async () => {
    for (const path of ['/metadata/identity/oauth2/token', '/metadata/instance', '/msi/token', '/nothing']) {
      const preflight = await rawRequest(
        port,
        [
          `OPTIONS ${path} HTTP/1.1`,
          own(),
          'Origin: https://evil.example',
          'Access-Control-Request-Method: GET',
          'Access-Control-Request-Headers: metadata',
          'Sec-Fetch-Site: cross-site',
        ].join('\r\n'),
      );
      refused(preflight, 403, 'browser_request_refused', `preflight ${path}`);
    }
    const plain = await rawRequest(port, ['OPTIONS /msi/token HTTP/1.1', own()].join('\r\n'));
    refused(plain, 405, 'method_not_allowed', 'OPTIONS without Origin');
    assert.equal(plain.headers['allow'], 'GET, POST');
  });
});

describe('metadata endpoints refuse malformed parameters', () => {
  const BAD: Array<[string, string]> = [
    ['LF', 'api://x\ny'],
    ['CR LF', 'api://x\r\nSet-Cookie: a=b'],
    ['NUL', 'api://x\u0000'],
    ['TAB', 'api://x\ty'],
    ['DEL', 'api://x\u007f'],
    ['C1 NEL', 'api://x\u0085'],
    ['U+2028', 'api://x\u2028y'],
    ['too long', `api://${'a'.repeat(MAX_PARAM_CHARS)}`],
  ];
  for (const f of FAMILIES.filter((x) => x.name !== 'instance')) {
    it(`${f.name}: control characters, invalid UTF-8 and over-long values in resource or selector → 400`, async () => {
      const mints = srv.mints;
      for (const [what, resource] of BAD)
        refused(await send(f, resource, [own()]), 400, 'invalid_request', `${f.name}: resource with ${what}`);
      const { line, headers, body } = f.request('api://x');
      const invalidUtf8 = body === '' ? line.replace('api%3A%2F%2Fx', 'api%3A%2F%2Fx%FF') : line;
      refused(
        await rawRequest(
          port,
          [invalidUtf8, own(), ...headers].join('\r\n'),
          body === '' ? '' : 'resource=api%3A%2F%2Fx%C0%AF',
        ),
        400,
        'invalid_request',
        `${f.name}: invalid UTF-8`,
      );
      const selector = f.name === 'App Service 2017' ? 'clientid' : 'client_id';
      const withSelector = body === '' ? line.replace(' HTTP/1.1', `&${selector}=a%0Db HTTP/1.1`) : line;
      const formSelector = body === '' ? '' : `${body}&client_id=a%0Db`;
      refused(
        await rawRequest(port, [withSelector, own(), ...headers].join('\r\n'), formSelector),
        400,
        'invalid_request',
        `${f.name}: selector with CR`,
      );
      assert.equal(srv.mints, mints, 'nothing malformed reached the server');
    });
  }
});

describe('RequestGuard: which Host values name the agent', () => {
  const admits = (guard: RequestGuard, host: string | undefined) =>
    guard.admits({ headers: host === undefined ? {} : { host } } as IncomingMessage);
  const bound = (address: string, port: number, extra: string[] = []) => {
    const g = new RequestGuard(extra);
    g.bind({ address, family: address.includes(':') ? 'IPv6' : 'IPv4', port });
    return g;
  };

  it('admits nothing before it knows its address, and never an empty Host', () => {
    const unbound = new RequestGuard(['openmi-agent:50342']);
    for (const host of ['', '\n', undefined, '169.254.169.254', 'openmi-agent:50342'])
      assert.ok(!admits(unbound, host), JSON.stringify(host));
    assert.ok(!admits(bound('0.0.0.0', 50342), '') && !admits(bound('127.0.0.1', 50342), ''));
  });

  it('bound to a wildcard address: any IP literal on its port (rebinding needs a name), localhost, never a name', () => {
    const g = bound('0.0.0.0', 50342);
    for (const host of ['10.0.0.5:50342', '127.0.0.1:50342', '[fe80::1]:50342', 'localhost:50342', '169.254.169.254'])
      assert.ok(admits(g, host), host);
    for (const host of [
      'evil.example:50342',
      '10.0.0.5:50343',
      '10.0.0.5',
      '[fe80::1',
      'fe80::1:50342',
      '1.2.3.4.nip.io:50342',
      undefined,
    ])
      assert.ok(!admits(g, host), String(host));
  });

  it('bound to IPv6 loopback, and on port 80 (where clients omit the port)', () => {
    const v6 = bound('::1', 50342);
    assert.ok(admits(v6, '[::1]:50342') && admits(v6, 'localhost:50342'));
    assert.ok(!admits(v6, '::1:50342') && !admits(v6, '127.0.0.1:50342'));
    const p80 = bound('10.0.0.5', 80);
    assert.ok(admits(p80, '10.0.0.5') && admits(p80, '10.0.0.5:80'));
    assert.ok(!admits(p80, 'localhost:80'), 'not bound to loopback: localhost is not this address');
  });

  it('admits the operator-given names exactly, in any case', () => {
    const g = bound('10.0.0.5', 50342, ['openmi-agent:50342', 'Agent.Internal:8080']);
    assert.ok(admits(g, 'openmi-agent:50342') && admits(g, 'OPENMI-AGENT:50342') && admits(g, 'agent.internal:8080'));
    assert.ok(!admits(g, 'openmi-agent') && !admits(g, 'openmi-agent:50343') && !admits(g, 'x.openmi-agent:50342'));
  });
});
