import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { epochSeconds, ManualClock } from '../kernel/clock.js';
import { createLogger } from '../kernel/log.js';
import { createMetadataServer } from './metadata-server.js';
import { TokenCache } from './token-cache.js';
import {
  UpstreamRefusal,
  UpstreamUnavailable,
  type IdentitySelector,
  type MintedToken,
  type TokenUpstream,
} from './upstream.js';

const IDENTITY_HEADER = 'identity-header-secret-0123456789';
const MSI_SECRET = 'msi-secret-abcdefghijklmnop';
const ARM = 'https://management.azure.com';
const ARM_ENC = encodeURIComponent(ARM);
const IMDS = '/metadata/identity/oauth2/token';

/** The openmi server as the endpoints see it: records what was asked, answers or fails on demand. */
class ScriptedUpstream implements TokenUpstream {
  asked: Array<{ resource: string; selector: IdentitySelector | undefined; correlationId: string }> = [];
  instanceCalls = 0;
  failure: Error | undefined;
  constructor(private readonly clock: ManualClock) {}

  async mint(resource: string, selector: IdentitySelector | undefined, correlationId: string): Promise<MintedToken> {
    this.asked.push({ resource, selector, correlationId });
    if (this.failure) throw this.failure;
    const now = epochSeconds(this.clock);
    return {
      accessToken: `tok-${this.asked.length}`,
      issuedAt: now,
      expiresOn: now + 3600,
      resource,
      clientId: 'cid-1',
      objectId: 'oid-1',
      identityResourceId: '/x',
    };
  }

  async instanceMetadata(): Promise<Record<string, unknown>> {
    this.instanceCalls++;
    if (this.failure) throw this.failure;
    return { compute: { name: 'vm1', n: this.instanceCalls } };
  }
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json: any;
}

let port = 0;
function call(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: text ? JSON.parse(text) : undefined }),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

const clock = new ManualClock();
const upstream = new ScriptedUpstream(clock);
const cache = new TokenCache({ upstream, clock });
const server = createMetadataServer({
  cache,
  upstream,
  identityHeader: IDENTITY_HEADER,
  msiSecret: MSI_SECRET,
  log: createLogger('silent'),
  clock,
});

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  upstream.asked = [];
  upstream.failure = undefined;
  cache.flushAll();
});

const md = { Metadata: 'true' };
const errorShape = (r: Reply) => assert.deepEqual(Object.keys(r.json).sort(), ['error', 'error_description']);

describe('IMDS token endpoint', () => {
  it('answers with the IMDS shape, strings except refresh_in, echoing the resource', async () => {
    const r = await call('GET', `${IMDS}?api-version=2018-02-01&resource=${ARM_ENC}`, {
      ...md,
      'x-ms-client-request-id': 'req-123',
    });
    assert.equal(r.status, 200);
    assert.match(String(r.headers['content-type']), /^application\/json/);
    assert.deepEqual(Object.keys(r.json).sort(), [
      'access_token',
      'client_id',
      'expires_in',
      'expires_on',
      'ext_expires_in',
      'not_before',
      'refresh_in',
      'resource',
      'token_type',
    ]);
    assert.ok(Object.entries(r.json).every(([k, v]) => typeof v === (k === 'refresh_in' ? 'number' : 'string')));
    const now = epochSeconds(clock);
    assert.deepEqual(r.json, {
      access_token: 'tok-1',
      client_id: 'cid-1',
      expires_in: '3600',
      expires_on: String(now + 3600),
      ext_expires_in: '3600',
      not_before: String(now),
      refresh_in: 1800,
      resource: ARM,
      token_type: 'Bearer',
    });
    assert.deepEqual(upstream.asked, [{ resource: ARM, selector: undefined, correlationId: 'req-123' }]);
  });

  it('counts expires_in down on a cached token', async () => {
    await call('GET', `${IMDS}?api-version=2018-02-01&resource=${ARM_ENC}`, md);
    clock.advance(100_000);
    const r = await call('GET', `${IMDS}?api-version=2018-02-01&resource=${ARM_ENC}`, md);
    assert.equal(upstream.asked.length, 1);
    assert.equal(r.json.expires_in, '3500');
    assert.equal(r.json.refresh_in, 1750, 'a number: Python MSAL computes now + refresh_in');
  });

  it('echoes a trailing-slash resource and an unencoded one byte for byte', async () => {
    const slash = 'https://management.core.windows.net/';
    const a = await call('GET', `${IMDS}/?api-version=2018-02-01&resource=${encodeURIComponent(slash)}`, md);
    assert.equal(a.json.resource, slash);
    const b = await call('GET', `${IMDS}?api-version=2018-02-01&resource=https://vault.azure.net&client_id=c1`, md);
    assert.equal(b.json.resource, 'https://vault.azure.net');
    assert.deepEqual(upstream.asked[1]!.selector, { name: 'client_id', value: 'c1' });
  });

  it('accepts the lower-cased, slash-terminated path and newer api-versions', async () => {
    const r = await call(
      'GET',
      `/METADATA/identity/oauth2/token/?api-version=2025-04-07&resource=${ARM_ENC}&msi_res_id=%2Fsubscriptions%2Fs%2Fx`,
      md,
    );
    assert.equal(r.status, 200);
    assert.deepEqual(upstream.asked[0]!.selector, { name: 'msi_res_id', value: '/subscriptions/s/x' });
  });

  it('answers the header-less probe, and any request without Metadata: true, with 400 JSON', async () => {
    for (const headers of [{}, { Metadata: 'false' }] as Record<string, string>[]) {
      const r = await call('GET', IMDS, headers);
      assert.equal(r.status, 400);
      errorShape(r);
      assert.equal(r.json.error, 'invalid_request');
      assert.match(r.json.error_description, /Required metadata header not specified/);
    }
    assert.equal(upstream.asked.length, 0);
  });

  it('refuses proxied requests (X-Forwarded-For)', async () => {
    const r = await call('GET', `${IMDS}?api-version=2018-02-01&resource=${ARM_ENC}`, {
      ...md,
      'X-Forwarded-For': '10.0.0.1',
    });
    assert.equal(r.status, 400);
    assert.match(r.json.error_description, /X-Forwarded-For/);
    assert.equal(upstream.asked.length, 0);
  });

  it('names the accepted api-versions when the version is missing or too old', async () => {
    for (const q of [
      `resource=${ARM_ENC}`,
      `api-version=2017-09-01&resource=${ARM_ENC}`,
      `api-version=latest&resource=${ARM_ENC}`,
    ]) {
      const r = await call('GET', `${IMDS}?${q}`, md);
      assert.equal(r.status, 400);
      assert.match(r.json.error_description, /2018-02-01/);
    }
  });

  it('requires a resource and at most one selector', async () => {
    const noResource = await call('GET', `${IMDS}?api-version=2018-02-01`, md);
    assert.equal(noResource.status, 400);
    assert.match(noResource.json.error_description, /resource/);
    const two = await call('GET', `${IMDS}?api-version=2018-02-01&resource=${ARM_ENC}&client_id=a&object_id=b`, md);
    assert.equal(two.status, 400);
    assert.match(two.json.error_description, /client_id, object_id/);
    assert.equal(upstream.asked.length, 0);
  });
});

describe('errors from the openmi server', () => {
  it('relays a refusal with its status, code and explanation', async () => {
    upstream.failure = new UpstreamRefusal(
      400,
      'identity_not_found',
      'client_id abc is not attached to vm1; attached: uami1',
    );
    const r = await call('GET', `${IMDS}?api-version=2018-02-01&resource=${ARM_ENC}&client_id=abc`, md);
    assert.equal(r.status, 400);
    assert.deepEqual(r.json, {
      error: 'identity_not_found',
      error_description: 'client_id abc is not attached to vm1; attached: uami1',
    });
  });

  it('never answers 404 for an identity problem (the SDKs retry 404 for ~25 s)', async () => {
    upstream.failure = new UpstreamRefusal(404, 'not_found', 'no such identity');
    const r = await call('GET', `${IMDS}?api-version=2018-02-01&resource=${ARM_ENC}`, md);
    assert.equal(r.status, 400);
    assert.equal(r.json.error, 'not_found');
  });

  it('answers 503 JSON with Retry-After when the server is unreachable and nothing is cached', async () => {
    upstream.failure = new UpstreamUnavailable('connect ECONNREFUSED 10.0.0.5:8443');
    const r = await call('GET', `${IMDS}?api-version=2018-02-01&resource=${ARM_ENC}`, md);
    assert.equal(r.status, 503);
    assert.equal(r.headers['retry-after'], '1');
    errorShape(r);
    assert.match(r.json.error_description, /openmi server is unreachable/);
  });

  it('answers unknown paths with a JSON 404 naming the endpoints, and wrong methods with 405', async () => {
    const r = await call('GET', '/nope', md);
    assert.equal(r.status, 404);
    assert.match(r.json.error_description, /\/metadata\/identity\/oauth2\/token/);
    const m = await call('DELETE', IMDS, md);
    assert.equal(m.status, 405);
    assert.equal(m.headers.allow, 'GET');
    errorShape(m);
  });
});

describe('App Service 2019-08-01', () => {
  const path = `/msi/token?api-version=2019-08-01&resource=${ARM_ENC}`;

  it('answers with numbers for the times when X-IDENTITY-HEADER matches', async () => {
    const r = await call('GET', `${path}&mi_res_id=%2Fsubscriptions%2Fs%2Fuami`, {
      'X-IDENTITY-HEADER': IDENTITY_HEADER,
    });
    assert.equal(r.status, 200);
    const now = epochSeconds(clock);
    assert.deepEqual(r.json, {
      access_token: 'tok-1',
      expires_on: now + 3600,
      expires_in: 3600,
      refresh_in: 1800,
      resource: ARM,
      token_type: 'Bearer',
      client_id: 'cid-1',
    });
    assert.deepEqual(upstream.asked[0]!.selector, { name: 'mi_res_id', value: '/subscriptions/s/uami' });
  });

  it('answers 401 JSON for a missing or wrong header, without echoing either secret', async () => {
    for (const headers of [
      {},
      { 'X-IDENTITY-HEADER': 'guess-guess-guess' },
      { 'X-IDENTITY-HEADER': IDENTITY_HEADER.slice(0, -1) },
    ] as Record<string, string>[]) {
      const r = await call('GET', path, headers);
      assert.equal(r.status, 401);
      errorShape(r);
      assert.match(r.json.error_description, /X-IDENTITY-HEADER/);
      assert.ok(!r.text.includes(IDENTITY_HEADER.slice(0, 12)) && !r.text.includes('guess'));
    }
    assert.equal(upstream.asked.length, 0);
  });

  it('does not accept the 2017 secret in place of the identity header', async () => {
    const r = await call('GET', path, { 'X-IDENTITY-HEADER': MSI_SECRET });
    assert.equal(r.status, 401);
  });
});

describe('legacy 2017-09-01 (MSI_ENDPOINT + MSI_SECRET)', () => {
  it("answers the CLI's slash-appended URL with expires_on as a string, mapping clientid", async () => {
    const r = await call('GET', `/msi/token/?resource=${ARM}&api-version=2017-09-01&clientid=cid-9`, {
      secret: MSI_SECRET,
    });
    assert.equal(r.status, 200);
    assert.equal(typeof r.json.expires_on, 'string');
    assert.equal(r.json.expires_on, String(epochSeconds(clock) + 3600));
    assert.equal(r.json.resource, ARM);
    assert.deepEqual(upstream.asked[0]!.selector, { name: 'client_id', value: 'cid-9' });
  });

  it('refuses a wrong secret with 401 and an unknown api-version with 400', async () => {
    const wrong = await call('GET', `/msi/token?resource=${ARM_ENC}&api-version=2017-09-01`, {
      secret: IDENTITY_HEADER,
    });
    assert.equal(wrong.status, 401);
    assert.match(wrong.json.error_description, /'secret' header is wrong/);
    const version = await call('GET', `/msi/token?resource=${ARM_ENC}&api-version=2019-07-01-preview`, {
      secret: MSI_SECRET,
    });
    assert.equal(version.status, 400);
    assert.match(version.json.error_description, /2019-08-01.*2017-09-01/);
  });
});

describe('Cloud Shell / az login --identity (POST)', () => {
  const form = { ...md, 'content-type': 'application/x-www-form-urlencoded' };

  it('takes the form body and answers like IMDS', async () => {
    const resource = 'https://management.core.windows.net/';
    const r = await call(
      'POST',
      '/msi/token',
      form,
      `resource=${encodeURIComponent(resource)}&msi_res_id=%2Fsubscriptions%2Fs%2Fuami`,
    );
    assert.equal(r.status, 200);
    assert.equal(r.json.resource, resource);
    assert.equal(r.json.token_type, 'Bearer');
    assert.equal(typeof r.json.expires_on, 'string');
    assert.deepEqual(upstream.asked[0]!.selector, { name: 'msi_res_id', value: '/subscriptions/s/uami' });
  });

  it('requires Metadata: true and refuses oversized bodies with 413', async () => {
    const noHeader = await call(
      'POST',
      '/msi/token',
      { 'content-type': 'application/x-www-form-urlencoded' },
      `resource=${ARM_ENC}`,
    );
    assert.equal(noHeader.status, 400);
    const big = await call('POST', '/msi/token', form, `resource=${ARM_ENC}&pad=${'x'.repeat(70 * 1024)}`);
    assert.equal(big.status, 413);
    errorShape(big);
    assert.equal(upstream.asked.length, 0);
  });
});

describe('instance metadata', () => {
  it('serves the upstream document and keeps it for 60 s', async () => {
    const first = upstream.instanceCalls;
    const a = await call('GET', '/metadata/instance?api-version=2021-02-01', md);
    assert.equal(a.status, 200);
    assert.equal(a.json.compute.name, 'vm1');
    await call('GET', '/metadata/instance?api-version=2021-02-01', md);
    assert.equal(upstream.instanceCalls, first + 1);
    clock.advance(61_000);
    await call('GET', '/metadata/instance?api-version=2021-02-01', md);
    assert.equal(upstream.instanceCalls, first + 2);
    const noHeader = await call('GET', '/metadata/instance?api-version=2021-02-01');
    assert.equal(noHeader.status, 400);
  });
});
