import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ManualClock } from '../../../kernel/clock.js';
import type { TokenRevocationRecord } from '../../../store/records.js';
import { RevocationCache } from './revocation-cache.js';

/** A store stand-in that counts reads; the cache is the thing under test. */
function repo() {
  const rows = new Map<string, TokenRevocationRecord>();
  const counts = { get: 0, list: 0 };
  return {
    rows,
    counts,
    get: async (id: string) => (counts.get++, rows.get(id.toLowerCase())),
    list: async () => (counts.list++, [...rows.values()]),
    put: (id: string, at: number) => rows.set(id.toLowerCase(), { principalId: id, revokedAt: at, revokedBy: 'admin' }),
  };
}
const settle = () => new Promise((r) => setImmediate(r));

describe('RevocationCache', () => {
  it('reads the store until the first load, then serves from memory', async () => {
    const r = repo();
    r.put('P1', 1000);
    const c = new RevocationCache(r, new ManualClock(10_000));
    assert.equal((await c.get('p1'))?.revokedAt, 1000);
    await settle();
    const reads = r.counts.get;
    assert.equal((await c.get('P1'))?.revokedAt, 1000);
    assert.equal(await c.get('p2'), undefined);
    assert.equal(r.counts.get, reads, 'no store read once loaded');
  });

  it('enforces a local revocation on the very next request, before any reload', async () => {
    const r = repo();
    const clock = new ManualClock(10_000);
    const c = new RevocationCache(r, clock);
    await c.get('x');
    await settle();
    r.put('P9', 10_000);
    assert.equal(await c.get('P9'), undefined, 'not yet told: still the loaded list');
    c.invalidate(['/subscriptions/s/whatever', 'p9']);
    assert.equal((await c.get('P9'))?.revokedAt, 10_000);
  });

  it('picks up revocations made elsewhere within the reload interval', async () => {
    const r = repo();
    const clock = new ManualClock(10_000);
    const c = new RevocationCache(r, clock, 5_000);
    await c.get('x');
    await settle();
    r.put('Q', 11_000);
    clock.advance(4_000);
    assert.equal(await c.get('q'), undefined);
    clock.advance(2_000);
    await c.get('q');
    await settle();
    assert.equal((await c.get('q'))?.revokedAt, 11_000);
    assert.equal(r.counts.list, 2);
  });
});
