import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { assertConflict, signingKey, T0, useStore } from './fixtures.js';

const HOUR = 3_600_000;

export function signingKeyContract(newStore: () => Promise<Store>): void {
  describe('signingKeys', () => {
    // list() and deleteExpired() see the whole table, so every test starts from an empty one.
    const store = useStore(newStore);
    const reset = async (): Promise<void> => {
      for (const k of await store().signingKeys.list()) {
        await store().signingKeys.transition(k.kid, k.status, 'retired', { publishUntil: 0 });
      }
      await store().signingKeys.deleteExpired(Number.MAX_SAFE_INTEGER);
      assert.deepEqual(await store().signingKeys.list(), []);
    };

    it('insert/list round-trips every field (nested JWK, nulls), oldest first', async () => {
      await reset();
      const newer = signingKey({ createdAt: T0 + 2 * HOUR });
      const older = signingKey({
        status: 'retired',
        createdAt: T0,
        activatedAt: T0 + 1,
        retiredAt: T0 + HOUR,
        publishUntil: T0 + 25 * HOUR,
      });
      await store().signingKeys.insert(newer);
      await store().signingKeys.insert(older);
      assert.deepEqual(await store().signingKeys.list(), [older, newer]);
    });

    it('insert conflicts on a duplicate kid; kids are case-sensitive', async () => {
      await reset();
      const k = signingKey({ kid: 'Kid-A' });
      await store().signingKeys.insert(k);
      await assertConflict(store().signingKeys.insert(signingKey({ kid: 'Kid-A' })));
      await store().signingKeys.insert(signingKey({ kid: 'kid-a', createdAt: T0 + 99 }));
      assert.deepEqual(
        (await store().signingKeys.list()).map((x) => x.kid),
        ['Kid-A', 'kid-a'],
      );
    });

    it('transition is a compare-and-set: the second identical call returns false and changes nothing', async () => {
      await reset();
      const k = signingKey();
      await store().signingKeys.insert(k);
      assert.equal(await store().signingKeys.transition(k.kid, 'next', 'current', { activatedAt: T0 + 10 }), true);
      const promoted = { ...k, status: 'current' as const, activatedAt: T0 + 10 };
      assert.deepEqual(await store().signingKeys.list(), [promoted]);
      assert.equal(await store().signingKeys.transition(k.kid, 'next', 'current', { activatedAt: T0 + 20 }), false);
      assert.deepEqual(await store().signingKeys.list(), [promoted]);
    });

    it('transition stamps only the given times and keeps earlier ones', async () => {
      await reset();
      const k = signingKey({ status: 'current', activatedAt: T0 + 5 });
      await store().signingKeys.insert(k);
      const at = { retiredAt: T0 + HOUR, publishUntil: T0 + 2 * HOUR };
      assert.equal(await store().signingKeys.transition(k.kid, 'current', 'retired', at), true);
      assert.deepEqual(await store().signingKeys.list(), [{ ...k, status: 'retired', ...at }]);
    });

    it('transition with no times leaves every stamped time as it was', async () => {
      await reset();
      const times = { activatedAt: T0 + 1, retiredAt: T0 + 2, publishUntil: T0 + 3 };
      const k = signingKey({ status: 'current', ...times });
      await store().signingKeys.insert(k);
      assert.equal(await store().signingKeys.transition(k.kid, 'current', 'retired', {}), true);
      assert.deepEqual(await store().signingKeys.list(), [{ ...k, status: 'retired' }]);
    });

    it('transition returns false for a wrong from-status or an unknown kid', async () => {
      await reset();
      const k = signingKey();
      await store().signingKeys.insert(k);
      assert.equal(await store().signingKeys.transition(k.kid, 'current', 'retired', { retiredAt: T0 }), false);
      assert.equal(await store().signingKeys.transition('no-such-kid', 'next', 'current', {}), false);
      assert.deepEqual(await store().signingKeys.list(), [k]);
    });

    it('concurrent identical transitions: exactly one wins', async () => {
      await reset();
      const k = signingKey();
      await store().signingKeys.insert(k);
      const results = await Promise.all(
        [1, 2, 3, 4].map((i) => store().signingKeys.transition(k.kid, 'next', 'current', { activatedAt: T0 + i })),
      );
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('deleteExpired removes only retired keys whose publishUntil has passed', async () => {
      await reset();
      const now = T0 + 100 * HOUR;
      const expired1 = signingKey({ status: 'retired', publishUntil: now - 1, createdAt: T0 + 1 });
      const expired2 = signingKey({ status: 'retired', publishUntil: T0, createdAt: T0 + 2 });
      const atNow = signingKey({ status: 'retired', publishUntil: now, createdAt: T0 + 3 });
      const future = signingKey({ status: 'retired', publishUntil: now + 1, createdAt: T0 + 4 });
      const noDeadline = signingKey({ status: 'retired', publishUntil: null, createdAt: T0 + 5 });
      const current = signingKey({ status: 'current', publishUntil: T0, createdAt: T0 + 6 });
      const next = signingKey({ status: 'next', publishUntil: T0, createdAt: T0 + 7 });
      for (const k of [expired1, expired2, atNow, future, noDeadline, current, next])
        await store().signingKeys.insert(k);
      assert.equal(await store().signingKeys.deleteExpired(now), 2);
      assert.deepEqual(await store().signingKeys.list(), [atNow, future, noDeadline, current, next]);
      assert.equal(await store().signingKeys.deleteExpired(now), 0);
    });
  });
}
