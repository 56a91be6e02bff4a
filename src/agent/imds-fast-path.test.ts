import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { epochSeconds, ManualClock } from '../kernel/clock.js';
import { createLogger } from '../kernel/log.js';
import {
  ImdsFastPath,
  IMDS_TOKEN_PATH,
  parseAppServiceTarget,
  parseImdsTarget,
  QUERY_MEMO_ENTRIES,
} from './imds-fast-path.js';
import { createMetadataServer } from './metadata-server.js';
import { RequestGuard } from './request-guard.js';
import { TokenCache } from './token-cache.js';
import type { IdentitySelector, MintedToken, TokenUpstream } from './upstream.js';

const ARM = 'https://management.azure.com';
const URL_ARM = `${IMDS_TOKEN_PATH}?api-version=2018-02-01&resource=${encodeURIComponent(ARM)}`;

class Upstream implements TokenUpstream {
  asked: Array<{ resource: string; correlationId: string }> = [];
  constructor(private readonly clock: ManualClock) {}
  async mint(resource: string, _selector: IdentitySelector | undefined, correlationId: string): Promise<MintedToken> {
    this.asked.push({ resource, correlationId });
    const now = epochSeconds(this.clock);
    return {
      accessToken: `tok-${this.asked.length}`,
      issuedAt: now,
      expiresOn: now + 3600,
      resource,
      clientId: 'c',
      objectId: 'o',
      identityResourceId: '/x',
    };
  }
  async instanceMetadata(): Promise<Record<string, unknown>> {
    return {};
  }
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

let port = 0;
function call(method: string, path: string, headers: Record<string, string> = { Metadata: 'true' }): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', reject);
    req.end();
  });
}

const clock = new ManualClock();
const upstream = new Upstream(clock);
const cache = new TokenCache({ upstream, clock });
let uuids = 0;
const random = { uuid: () => `uuid-${++uuids}`, bytes: (n: number) => randomBytes(n) };
const log = createLogger('silent');
const server = createMetadataServer({
  cache,
  upstream,
  identityHeader: 'h'.repeat(32),
  msiSecret: 's'.repeat(32),
  log,
  clock,
  random,
});

before(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  upstream.asked = [];
  cache.flushAll();
});

const wireHeaders = (r: Reply) => [r.headers['content-type'], r.headers['content-length'], r.headers['cache-control']];

describe('IMDS fast path (cached hits)', () => {
  it('answers a hit with the same bytes and headers as the full route, making no correlation id', async () => {
    const miss = await call('GET', URL_ARM);
    const made = uuids;
    const hit = await call('GET', URL_ARM);
    assert.equal(hit.status, 200);
    assert.equal(hit.text, miss.text);
    assert.deepEqual(wireHeaders(hit), wireHeaders(miss));
    assert.equal(uuids, made, 'no uuid for a hit');
    assert.equal(upstream.asked.length, 1);
  });

  it('still checks the headers of every request to a memoized target', async () => {
    await call('GET', URL_ARM);
    await call('GET', URL_ARM);
    const proxied = await call('GET', URL_ARM, { Metadata: 'true', 'X-Forwarded-For': '10.0.0.1' });
    assert.equal(proxied.status, 400);
    assert.match(proxied.text, /X-Forwarded-For/);
    for (const headers of [{}, { Metadata: 'false' }] as Record<string, string>[])
      assert.equal((await call('GET', URL_ARM, headers)).status, 400);
    assert.equal((await call('GET', URL_ARM, { Metadata: 'TRUE' })).status, 200);
    assert.equal((await call('DELETE', URL_ARM)).status, 405);
  });

  it('refreshes once at half-life with the request id, then answers the new token', async () => {
    await call('GET', URL_ARM);
    clock.advance(1801_000);
    const during = await call('GET', URL_ARM, { Metadata: 'true', 'x-ms-client-request-id': 'req-half' });
    assert.match(during.text, /"access_token":"tok-1"/);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(upstream.asked.map((a) => a.correlationId).slice(1), ['req-half']);
    const next = await call('GET', URL_ARM);
    assert.match(next.text, /"access_token":"tok-2"/);
    assert.match(next.text, /"expires_in":"3600"/);
    assert.equal(upstream.asked.length, 2);
  });

  it('hands a token inside the expiry margin to the full route, which mints', async () => {
    await call('GET', URL_ARM);
    clock.advance((3600 - 59) * 1000);
    const r = await call('GET', URL_ARM);
    assert.match(r.text, /"access_token":"tok-2"/);
  });
});

describe('App Service fast path (cached hits)', () => {
  const APP = `/msi/token?api-version=2019-08-01&resource=${encodeURIComponent(ARM)}`;
  const LEGACY = `/msi/token?api-version=2017-09-01&resource=${encodeURIComponent(ARM)}`;
  const identity = { 'X-IDENTITY-HEADER': 'h'.repeat(32) };

  it('answers a hit with the same bytes and headers as the full route, making no correlation id', async () => {
    const miss = await call('GET', APP, identity);
    const made = uuids;
    const hit = await call('GET', APP, identity);
    assert.equal(hit.status, 200);
    assert.equal(hit.text, miss.text);
    assert.deepEqual(wireHeaders(hit), wireHeaders(miss));
    assert.equal(uuids, made, 'no uuid for a hit');
    assert.equal(JSON.parse(hit.text).expires_in, 3600, 'the 2019 body: numbers');
    assert.equal(upstream.asked.length, 1);
  });

  it('checks the secret of every request to a memoized target, each version its own header', async () => {
    await call('GET', APP, identity);
    assert.equal((await call('GET', APP, identity)).status, 200);
    for (const headers of [{}, { 'X-IDENTITY-HEADER': 'guess' }, { secret: 's'.repeat(32) }] as Record<
      string,
      string
    >[]) {
      assert.equal((await call('GET', APP, headers)).status, 401, JSON.stringify(headers));
    }
    assert.equal((await call('GET', LEGACY, identity)).status, 401);
    const legacy = await call('GET', LEGACY, { secret: 's'.repeat(32) });
    assert.equal(legacy.status, 200);
    assert.equal(typeof JSON.parse(legacy.text).expires_on, 'string', 'the 2017 body: expires_on a string');
    assert.equal(upstream.asked.length, 1);
  });
});

describe('parseAppServiceTarget', () => {
  it('accepts what appServiceToken accepts, with the body kind of the version', () => {
    assert.deepEqual(
      parseAppServiceTarget('/MSI/token/?api-version=2019-08-01&resource=x&mi_res_id=%2Fid', '/msi/token'),
      {
        kind: 'appService',
        resource: 'x',
        selector: { name: 'mi_res_id', value: '/id' },
        key: 'msi_res_id=/id\nx',
      },
    );
    assert.deepEqual(parseAppServiceTarget('/msi/token?api-version=2017-09-01&resource=x&clientid=c', '/msi/token'), {
      kind: 'legacy',
      resource: 'x',
      selector: { name: 'client_id', value: 'c' },
      key: 'client_id=c\nx',
    });
  });

  it('declines everything the full route refuses or does not serve there', () => {
    for (const url of [
      '/msi/token?api-version=2018-02-01&resource=x',
      '/msi/token?api-version=2019-08-01',
      '/msi/token?api-version=2019-08-01&resource=x&resource=y',
      '/msi/token?api-version=2019-08-01&api-version=2019-08-01&resource=x',
      '/msi/token?api-version=2017-09-01&resource=x&clientid=a&client_id=b',
      `${IMDS_TOKEN_PATH}?api-version=2019-08-01&resource=x`,
    ]) {
      assert.equal(parseAppServiceTarget(url, '/msi/token'), undefined, url);
    }
  });
});

describe('parseImdsTarget', () => {
  it('accepts what imdsToken accepts, keeping the resource exact', () => {
    const slash = 'https://management.core.windows.net/';
    const p = parseImdsTarget(
      `/METADATA//identity/oauth2/token/?resource=${encodeURIComponent(slash)}&api-version=2025-04-07&client_id=c1`,
    );
    assert.deepEqual(p, { resource: slash, selector: { name: 'client_id', value: 'c1' } });
    assert.ok(Object.isFrozen(p) && Object.isFrozen(p!.selector), 'shared between requests, so immutable');
    assert.deepEqual(parseImdsTarget(`${IMDS_TOKEN_PATH}?api-version=2018-02-01&resource=x&clientid=`), {
      resource: 'x',
      selector: undefined,
    });
  });

  it('declines everything the full route refuses or does not serve there', () => {
    for (const url of [
      `${IMDS_TOKEN_PATH}?resource=x`,
      `${IMDS_TOKEN_PATH}?api-version=2017-09-01&resource=x`,
      `${IMDS_TOKEN_PATH}?api-version=2018-02-01`,
      `${IMDS_TOKEN_PATH}?api-version=2018-02-01&resource=x&resource=y`,
      `${IMDS_TOKEN_PATH}?api-version=2018-02-01&resource=x&client_id=a&object_id=b`,
      `/msi/token?api-version=2018-02-01&resource=x`,
      `/metadata/instance?api-version=2018-02-01&resource=x`,
    ]) {
      assert.equal(parseImdsTarget(url), undefined, url);
    }
  });
});

describe('ImdsFastPath', () => {
  const guard = new RequestGuard();
  guard.bind({ address: '127.0.0.1', family: 'IPv4', port: 50342 });
  const fakeReq = (url: string, headers: Record<string, string> = { metadata: 'true' }) =>
    ({ method: 'GET', url, headers: { host: '127.0.0.1:50342', ...headers } }) as unknown as IncomingMessage;
  const fakeRes = () => {
    const wrote: unknown[] = [];
    const res = {
      writeHead: (...a: unknown[]) => wrote.push(a),
      end: (b: unknown) => wrote.push(b),
    } as unknown as ServerResponse;
    return { res, wrote };
  };
  const target = (i: number) => `${IMDS_TOKEN_PATH}?api-version=2018-02-01&resource=api%3A%2F%2Fr${i}`;

  it('memoizes only valid targets, in a bounded map, and writes nothing when it declines', async () => {
    const fast = new ImdsFastPath(cache, clock, guard);
    const { res, wrote } = fakeRes();
    assert.equal(
      fast.tryAnswer(fakeReq(`${IMDS_TOKEN_PATH}?resource=x`), res, () => 'id'),
      false,
    );
    assert.equal(
      fast.tryAnswer(fakeReq(target(0)), res, () => 'id'),
      false,
      'a valid target, but a miss',
    );
    assert.equal(fast.memoized, 1, 'the invalid target was not kept');
    assert.deepEqual(wrote, []);
    for (let i = 1; i < QUERY_MEMO_ENTRIES + 10; i++) fast.tryAnswer(fakeReq(target(i)), res, () => 'id');
    assert.ok(fast.memoized <= QUERY_MEMO_ENTRIES);
    await cache.get('api://r3', undefined, 'warm');
    assert.equal(
      fast.tryAnswer(fakeReq(target(3), { metadata: 'true', 'x-forwarded-for': '1.2.3.4' }), res, () => 'id'),
      false,
    );
    assert.equal(
      fast.tryAnswer(fakeReq(target(3)), res, () => 'id'),
      true,
    );
    assert.equal(JSON.parse(String(wrote[1])).resource, 'api://r3');
  });

  it('leaves a request to the full route when something throws before anything was written', () => {
    const broken = {
      peekKey: () => {
        throw new Error('boom');
      },
    } as unknown as TokenCache;
    const { res, wrote } = fakeRes();
    assert.equal(
      new ImdsFastPath(broken, clock, guard).tryAnswer(fakeReq(target(1)), res, () => 'id'),
      false,
    );
    assert.deepEqual(wrote, []);
  });
});
