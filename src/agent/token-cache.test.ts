import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { epochSeconds, ManualClock } from '../kernel/clock.js';
import { TokenCache } from './token-cache.js';
import {
  UpstreamRefusal,
  UpstreamUnavailable,
  type IdentitySelector,
  type MintedToken,
  type TokenUpstream,
} from './upstream.js';

const UAMI = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uami1';
const VM = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1';
const R = 'https://management.azure.com';

function deferred(): { promise: Promise<void>; release: () => void } {
  let release!: () => void;
  const promise = new Promise<void>((r) => (release = r));
  return { promise, release };
}

const settle = () => new Promise((r) => setImmediate(r));

/** A collaborator that mints distinct tokens, counts calls, and can be paused or made to fail. */
class CountingUpstream implements TokenUpstream {
  calls = 0;
  lifetime = 3600;
  failure: Error | undefined;
  gate: Promise<void> | undefined;
  readonly seen: Array<IdentitySelector | undefined> = [];
  constructor(private readonly clock: ManualClock) {}

  async mint(resource: string, selector: IdentitySelector | undefined): Promise<MintedToken> {
    const n = ++this.calls;
    this.seen.push(selector);
    const now = epochSeconds(this.clock);
    if (this.gate) await this.gate;
    if (this.failure) throw this.failure;
    const user = selector !== undefined;
    return {
      accessToken: `t${n}`,
      issuedAt: now,
      expiresOn: now + this.lifetime,
      resource,
      clientId: user ? 'CLIENT-U' : 'client-s',
      objectId: user ? 'OBJECT-U' : 'object-s',
      identityResourceId: user ? UAMI : VM,
    };
  }

  async instanceMetadata(): Promise<Record<string, unknown>> {
    return {};
  }
}

function setup(maxEntries?: number) {
  const clock = new ManualClock();
  const upstream = new CountingUpstream(clock);
  const cache = new TokenCache({ upstream, clock, ...(maxEntries ? { maxEntries } : {}) });
  return { clock, upstream, cache };
}

const uami: IdentitySelector = { name: 'client_id', value: 'client-u' };

describe('TokenCache', () => {
  it('serves a fresh token without asking upstream again', async () => {
    const { upstream, cache } = setup();
    const a = await cache.get(R, undefined, 'c1');
    const b = await cache.get(R, undefined, 'c2');
    assert.equal(a.accessToken, 't1');
    assert.equal(b, a);
    assert.equal(upstream.calls, 1);
  });

  it('keys by selector (value case-insensitively) and by the exact resource', async () => {
    const { upstream, cache } = setup();
    await cache.get(R, uami, 'c');
    await cache.get(R, { name: 'client_id', value: 'CLIENT-U' }, 'c');
    assert.equal(upstream.calls, 1);
    await cache.get(`${R}/`, uami, 'c');
    await cache.get(R, undefined, 'c');
    await cache.get(R, { name: 'object_id', value: 'client-u' }, 'c');
    assert.equal(upstream.calls, 4);
  });

  it('makes one upstream call for 50 concurrent misses and gives all of them its token', async () => {
    const { upstream, cache } = setup();
    const gate = deferred();
    upstream.gate = gate.promise;
    const waiters = Array.from({ length: 50 }, (_, i) => cache.get(R, uami, `c${i}`));
    await settle();
    gate.release();
    const tokens = await Promise.all(waiters);
    assert.equal(upstream.calls, 1);
    assert.ok(tokens.every((t) => t.accessToken === 't1'));
  });

  it('gives every concurrent waiter the error, and does not cache it', async () => {
    const { upstream, cache } = setup();
    upstream.failure = new UpstreamRefusal(400, 'identity_not_found', 'no such identity');
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => cache.get(R, uami, 'c')));
    assert.ok(results.every((r) => r.status === 'rejected' && r.reason instanceof UpstreamRefusal));
    assert.equal(upstream.calls, 1);
    upstream.failure = undefined;
    assert.equal((await cache.get(R, uami, 'c')).accessToken, 't2');
    assert.equal(upstream.calls, 2);
  });

  it('refreshes once in the background after half the lifetime, serving the old token meanwhile', async () => {
    const { clock, upstream, cache } = setup();
    await cache.get(R, undefined, 'c');
    clock.advance(1799_000);
    await cache.get(R, undefined, 'c');
    assert.equal(upstream.calls, 1, 'no refresh before half-life');
    clock.advance(2_000);
    const gate = deferred();
    upstream.gate = gate.promise;
    assert.equal((await cache.get(R, undefined, 'c')).accessToken, 't1');
    assert.equal((await cache.get(R, undefined, 'c')).accessToken, 't1');
    assert.equal(upstream.calls, 2, 'exactly one refresh');
    gate.release();
    await settle();
    assert.equal((await cache.get(R, undefined, 'c')).accessToken, 't2');
    assert.equal(upstream.calls, 2);
  });

  it('keeps serving the old token when the refresh fails, retrying only after a pause', async () => {
    const { clock, upstream, cache } = setup();
    await cache.get(R, undefined, 'c');
    clock.advance(1900_000);
    upstream.failure = new UpstreamUnavailable('down');
    assert.equal((await cache.get(R, undefined, 'c')).accessToken, 't1');
    await settle();
    assert.equal((await cache.get(R, undefined, 'c')).accessToken, 't1');
    assert.equal(upstream.calls, 2, 'no second refresh straight away');
    clock.advance(11_000);
    upstream.failure = undefined;
    await cache.get(R, undefined, 'c');
    await settle();
    assert.equal(upstream.calls, 3);
    assert.equal((await cache.get(R, undefined, 'c')).accessToken, 't3');
  });

  for (const status of [400, 401, 403, 404]) {
    it(`drops the identity's cached tokens when the server refuses the refresh (${status}); the next caller gets the refusal`, async () => {
      const { clock, upstream, cache } = setup();
      await cache.get(R, uami, 'c');
      await cache.get('api://other', uami, 'c');
      await cache.get(R, undefined, 'c');
      clock.advance(1900_000);
      upstream.failure = new UpstreamRefusal(status, 'invalid_request', 'Identity not found');
      assert.equal((await cache.get(R, uami, 'c')).accessToken, 't1', 'the hit that starts the refresh is served');
      await settle();
      await assert.rejects(cache.get(R, uami, 'c'), UpstreamRefusal);
      assert.equal(
        cache.peek('api://other', uami),
        undefined,
        "the same identity's token for another resource is gone too",
      );
      upstream.failure = undefined;
      assert.equal(cache.peek(R, undefined)?.accessToken, 't3', 'other identities keep theirs');
    });
  }

  for (const [name, failure] of [
    ['429', new UpstreamRefusal(429, 'too_many_requests', 'slow down')],
    ['408', new UpstreamRefusal(408, 'timeout', 'timeout')],
    ['5xx', new UpstreamUnavailable('503')],
  ] as const) {
    it(`keeps serving the cached token when the refresh answers ${name} (not now, rather than no)`, async () => {
      const { clock, upstream, cache } = setup();
      await cache.get(R, uami, 'c');
      clock.advance(1900_000);
      upstream.failure = failure;
      await cache.get(R, uami, 'c');
      await settle();
      assert.equal((await cache.get(R, uami, 'c')).accessToken, 't1');
    });
  }

  it('serves cached tokens while the server is unreachable until 60 s before expiry, then fails', async () => {
    const { clock, upstream, cache } = setup();
    await cache.get(R, undefined, 'c');
    upstream.failure = new UpstreamUnavailable('connection refused');
    clock.advance((3600 - 61) * 1000);
    assert.equal((await cache.get(R, undefined, 'c')).accessToken, 't1');
    clock.advance(2_000);
    await assert.rejects(cache.get(R, undefined, 'c'), UpstreamUnavailable);
  });

  it('propagates unavailability when nothing is cached', async () => {
    const { upstream, cache } = setup();
    upstream.failure = new UpstreamUnavailable('connection refused');
    await assert.rejects(cache.get(R, undefined, 'c'), /connection refused/);
  });

  it('never serves a token inside the safety margin, even a freshly minted one', async () => {
    const { upstream, cache } = setup();
    upstream.lifetime = 50;
    await cache.get(R, undefined, 'c');
    await cache.get(R, undefined, 'c');
    assert.equal(upstream.calls, 2);
  });

  for (const id of [UAMI.toUpperCase(), 'object-u', 'client-U']) {
    it(`drops only the tokens of the identity named by ${id.slice(0, 12)}…`, async () => {
      const { upstream, cache } = setup();
      await cache.get(R, uami, 'c');
      await cache.get(R, undefined, 'c');
      cache.invalidate({ ids: [id] }, VM);
      await cache.get(R, undefined, 'c');
      assert.equal(upstream.calls, 2, 'system-assigned token kept');
      await cache.get(R, uami, 'c');
      assert.equal(upstream.calls, 3, 'user-assigned token dropped');
    });
  }

  it('drops everything when its own resource is named, and on flushAll', async () => {
    const { upstream, cache } = setup();
    await cache.get(R, uami, 'c');
    await cache.get(R, undefined, 'c');
    cache.invalidate({ ids: ['/other', VM.toLowerCase()] }, VM);
    assert.equal(cache.size, 0);
    await cache.get(R, undefined, 'c');
    cache.flushAll();
    await cache.get(R, undefined, 'c');
    assert.equal(upstream.calls, 4);
  });

  it('does not let a mint that started before an invalidation fill the cache after it', async () => {
    const { upstream, cache } = setup();
    const gate = deferred();
    upstream.gate = gate.promise;
    const before = cache.get(R, uami, 'c');
    await settle();
    cache.invalidate({ ids: [UAMI] }, VM);
    const after = cache.get(R, uami, 'c');
    assert.equal(upstream.calls, 2, 'a caller after the invalidation does not join the older flight');
    gate.release();
    assert.equal((await before).accessToken, 't1', 'the older flight still answers its waiter');
    assert.equal((await after).accessToken, 't2');
    upstream.gate = undefined;
    assert.equal((await cache.get(R, uami, 'c')).accessToken, 't2', 'the newer flight was cached');
    assert.equal(upstream.calls, 2);
  });

  it('evicts the oldest entry beyond maxEntries', async () => {
    const { upstream, cache } = setup(3);
    for (const r of ['a', 'b', 'c', 'd']) await cache.get(r, undefined, 'x');
    assert.equal(cache.size, 3);
    await cache.get('d', undefined, 'x');
    await cache.get('b', undefined, 'x');
    assert.equal(upstream.calls, 4);
    await cache.get('a', undefined, 'x');
    assert.equal(upstream.calls, 5);
  });
});

describe('TokenCache.peek', () => {
  it('answers a hit synchronously with the same key as get, and never mints on a miss', async () => {
    const { upstream, cache } = setup();
    assert.equal(cache.peek(R, uami), undefined);
    assert.equal(upstream.calls, 0, 'a miss asks nobody');
    const minted = await cache.get(R, uami, 'c');
    assert.equal(cache.peek(R, { name: 'client_id', value: 'CLIENT-U' }), minted);
    assert.equal(cache.peek(`${R}/`, uami), undefined, 'the resource is an exact string');
    await cache.get(R, { name: 'mi_res_id', value: UAMI }, 'c');
    assert.ok(cache.peek(R, { name: 'msi_res_id', value: UAMI.toUpperCase() }));
    assert.equal(upstream.calls, 2);
  });

  it('misses from 60 s before expiry on, and drops the entry', async () => {
    const { clock, cache } = setup();
    await cache.get(R, undefined, 'c');
    clock.advance((3600 - 61) * 1000);
    assert.ok(cache.peek(R, undefined));
    clock.advance(2_000);
    assert.equal(cache.peek(R, undefined), undefined);
    assert.equal(cache.size, 0);
  });

  it('starts exactly one background refresh at half-life, asking for a correlation id only then', async () => {
    const { clock, upstream, cache } = setup();
    await cache.get(R, undefined, 'c');
    const ids: string[] = [];
    const id = () => (ids.push(`p${ids.length}`), ids.at(-1)!);
    clock.advance(1799_000);
    assert.equal(cache.peek(R, undefined, id)?.accessToken, 't1');
    assert.deepEqual(ids, [], 'a plain hit makes no correlation id');
    clock.advance(2_000);
    const gate = deferred();
    upstream.gate = gate.promise;
    assert.equal(cache.peek(R, undefined, id)?.accessToken, 't1');
    assert.equal(cache.peek(R, undefined, id)?.accessToken, 't1');
    assert.equal((await cache.get(R, undefined, 'c')).accessToken, 't1');
    assert.equal(upstream.calls, 2, 'exactly one refresh, shared with get');
    assert.deepEqual(ids, ['p0']);
    gate.release();
    await settle();
    assert.equal(cache.peek(R, undefined, id)?.accessToken, 't2');
    assert.equal(upstream.calls, 2);
  });

  it('misses after an invalidation or a flush', async () => {
    const { cache } = setup();
    await cache.get(R, uami, 'c');
    await cache.get(R, undefined, 'c');
    cache.invalidate({ ids: ['object-u'] }, VM);
    assert.equal(cache.peek(R, uami), undefined);
    assert.ok(cache.peek(R, undefined));
    cache.flushAll();
    assert.equal(cache.peek(R, undefined), undefined);
  });

  it('counts hits, misses, half-life refreshes and stale hits (the agent /metrics)', async () => {
    const { clock, upstream, cache } = setup();
    await cache.get(R, undefined, 'c');
    assert.equal(cache.peek(R, undefined)?.accessToken, 't1');
    assert.deepEqual(cache.stats, { hit: 1, miss: 1, refresh: 0, stale: 0 });
    clock.advance(1801 * 1000);
    upstream.failure = new UpstreamUnavailable('connection refused');
    assert.equal(cache.peek(R, undefined)?.accessToken, 't1', 'the hit that starts the refresh');
    await settle();
    assert.equal(cache.peek(R, undefined)?.accessToken, 't1', 'served although the refresh failed');
    assert.deepEqual(cache.stats, { hit: 2, miss: 1, refresh: 1, stale: 1 });
    upstream.failure = undefined;
    clock.advance(10_000);
    cache.peek(R, undefined);
    await settle();
    assert.equal(cache.peek(R, undefined)?.accessToken, 't3', 'renewed: no longer stale');
    assert.deepEqual(cache.stats, { hit: 3, miss: 1, refresh: 2, stale: 2 });
  });
});
