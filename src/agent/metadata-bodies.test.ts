import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { epochSeconds, ManualClock } from '../kernel/clock.js';
import { appServiceBody, imdsBody, legacyBody, renderedBody } from './metadata-bodies.js';
import { TokenCache } from './token-cache.js';
import type { IdentitySelector, MintedToken, TokenUpstream } from './upstream.js';

const R = 'https://management.azure.com';
const clock = new ManualClock(Date.UTC(2026, 0, 1, 0, 0, 0, 200));
const now = () => epochSeconds(clock);

function tokenAt(issuedAt: number, n = 1): MintedToken {
  return {
    accessToken: `tok-${n}`,
    issuedAt,
    expiresOn: issuedAt + 3600,
    resource: R,
    clientId: 'cid',
    objectId: 'oid',
    identityResourceId: '/uami',
  };
}

const parsed = (b: { body: Buffer }) => JSON.parse(b.body.toString('utf8')) as Record<string, unknown>;

describe('renderedBody', () => {
  it('serializes exactly what the body functions build, with matching headers', () => {
    const token = tokenAt(now());
    for (const [kind, build] of [
      ['imds', imdsBody],
      ['appService', appServiceBody],
      ['legacy', legacyBody],
    ] as const) {
      const out = renderedBody(kind, token, R, now());
      assert.equal(out.body.toString('utf8'), JSON.stringify(build(token, R, now())));
      assert.deepEqual(out.headers, {
        'content-type': 'application/json; charset=utf-8',
        'content-length': out.body.length,
        'cache-control': 'no-store',
      });
    }
    assert.equal(
      parsed(renderedBody('imds', token, R, now())).refresh_in,
      1800,
      'a number: Python MSAL computes now + refresh_in',
    );
    assert.equal(parsed(renderedBody('imds', token, R, now())).expires_in, '3600');
    assert.equal(parsed(renderedBody('appService', token, R, now())).expires_in, 3600);
  });

  it('reuses the body within a second and rebuilds it when the second changes', () => {
    const token = tokenAt(now());
    const first = renderedBody('imds', token, R, now());
    clock.advance(700);
    assert.equal(renderedBody('imds', token, R, now()), first, 'same second: the same buffer');
    clock.advance(300);
    const next = renderedBody('imds', token, R, now());
    assert.notEqual(next, first);
    assert.equal(parsed(next).expires_in, '3599');
    assert.equal(parsed(next).ext_expires_in, '3599');
    assert.equal(parsed(next).refresh_in, 1799);
  });

  it('echoes the requested resource byte for byte, whatever was rendered before', () => {
    const token = tokenAt(now());
    for (const resource of [R, `${R}/`, 'https://VAULT.azure.net/.default', 'api://ünïcode']) {
      const out = renderedBody('legacy', token, resource, now());
      assert.equal(parsed(out).resource, resource);
      assert.equal(out.headers['content-length'], Buffer.byteLength(out.body.toString('utf8')));
    }
  });
});

describe('rendered bodies and the token cache', () => {
  class Upstream implements TokenUpstream {
    calls = 0;
    async mint(resource: string, selector: IdentitySelector | undefined): Promise<MintedToken> {
      const n = ++this.calls;
      return { ...tokenAt(now(), n), resource, identityResourceId: selector === undefined ? '/vm' : '/uami' };
    }
    async instanceMetadata(): Promise<Record<string, unknown>> {
      return {};
    }
  }

  it('drops the body with the entry on invalidation: the next hit answers the new token', async () => {
    const cache = new TokenCache({ upstream: new Upstream(), clock });
    const uami: IdentitySelector = { name: 'client_id', value: 'cid' };
    const before = renderedBody('imds', await cache.get(R, uami, 'c'), R, now());
    assert.equal(parsed(before).access_token, 'tok-1');
    cache.invalidate({ ids: ['/uami'] }, '/vm');
    assert.equal(cache.peek(R, uami), undefined);
    const after = renderedBody('imds', await cache.get(R, uami, 'c'), R, now());
    assert.notEqual(after, before);
    assert.equal(parsed(after).access_token, 'tok-2', 'same second, yet not the old body');
  });
});
