import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from './clock.js';
import { retryAfterSeconds, TokenBuckets } from './token-buckets.js';

describe('token buckets', () => {
  it('allows a burst, then the rate, and says how long to wait', () => {
    const clock = new ManualClock();
    const b = new TokenBuckets({ perSecond: 10, burst: 3 }, clock);
    assert.deepEqual([b.take('a'), b.take('a'), b.take('a')], [0, 0, 0]);
    assert.equal(b.take('a'), 100, 'one token every 100 ms');
    clock.advance(50);
    assert.equal(b.take('a'), 50);
    clock.advance(50);
    assert.equal(b.take('a'), 0);
    clock.advance(10_000);
    assert.deepEqual(
      [b.take('a'), b.take('a'), b.take('a'), b.take('a') > 0],
      [0, 0, 0, true],
      'refills to the burst, never past it',
    );
  });

  it('keeps keys apart', () => {
    const b = new TokenBuckets({ perSecond: 1, burst: 1 }, new ManualClock());
    assert.equal(b.take('a'), 0);
    assert.ok(b.take('a') > 0);
    assert.equal(b.take('b'), 0);
  });

  it('tracks at most maxKeys, dropping the least recently used', () => {
    const b = new TokenBuckets({ perSecond: 1, burst: 1 }, new ManualClock(), 3);
    for (const k of ['a', 'b', 'c']) b.take(k);
    assert.ok(b.take('a') > 0, 'a is now the most recently used');
    b.take('d');
    assert.equal(b.size, 3);
    assert.ok(b.take('a') > 0, 'a was kept (b, the least recently used, went)');
    assert.equal(b.take('b'), 0, 'b starts over with a full bucket');
    for (let i = 0; i < 10_000; i++) b.take(`k${i}`);
    assert.equal(b.size, 3);
  });

  it('cuts long keys, so a 3 MiB client id costs what a short one does', () => {
    const b = new TokenBuckets({ perSecond: 1, burst: 1 }, new ManualClock());
    const long = 'x'.repeat(3 * 1024 * 1024);
    assert.equal(b.take(long), 0);
    assert.ok(b.take(`${long}y`) > 0, 'same first 256 characters, same bucket');
  });

  it('a clock that moves back neither refills nor drains', () => {
    const clock = new ManualClock(1_000_000);
    const b = new TokenBuckets({ perSecond: 1, burst: 1 }, clock);
    assert.equal(b.take('a'), 0);
    clock.set(0);
    assert.equal(b.take('a'), 1000);
    clock.set(1_001_000);
    assert.equal(b.take('a'), 0);
  });

  it('Retry-After is whole seconds, at least 1', () => {
    assert.deepEqual([retryAfterSeconds(1), retryAfterSeconds(1000), retryAfterSeconds(1001)], [1, 1, 2]);
  });

  it('refuses a rate that could never admit anything', () => {
    assert.throws(() => new TokenBuckets({ perSecond: 0, burst: 1 }, new ManualClock()), /perSecond > 0/);
    assert.throws(() => new TokenBuckets({ perSecond: 1, burst: 0 }, new ManualClock()), /burst >= 1/);
  });
});
