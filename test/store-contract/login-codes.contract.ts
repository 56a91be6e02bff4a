import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { LoginCodeRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { assertConflict, mixedGuid, T0, useStore } from './fixtures.js';

const MINUTE = 60_000;

const loginCode = (o: Partial<LoginCodeRecord> = {}): LoginCodeRecord => ({
  codeHash: createHash('sha256').update(randomUUID()).digest('hex'),
  principalObjectId: mixedGuid(),
  tenantId: mixedGuid(),
  createdAt: T0,
  expiresAt: T0 + 5 * MINUTE,
  consumedAt: null,
  ...o,
});

export function loginCodeContract(newStore: () => Promise<Store>): void {
  describe('loginCodes', () => {
    const store = useStore(newStore);

    it('a created code is consumed once, returning every field with consumedAt set', async () => {
      const c = loginCode();
      await store().loginCodes.create(c);
      assert.deepEqual(await store().loginCodes.consume(c.codeHash, T0 + MINUTE), { ...c, consumedAt: T0 + MINUTE });
      assert.equal(await store().loginCodes.consume(c.codeHash, T0 + MINUTE + 1), undefined);
    });

    it('an unknown code, or one that is not an exact hash match, is undefined', async () => {
      const c = loginCode();
      await store().loginCodes.create(c);
      assert.equal(await store().loginCodes.consume(loginCode().codeHash, T0), undefined);
      assert.equal(await store().loginCodes.consume(c.codeHash.toUpperCase(), T0), undefined);
      assert.ok(await store().loginCodes.consume(c.codeHash, T0));
    });

    it('an expired code is undefined (expiresAt itself is already expired) and stays unconsumed', async () => {
      const c = loginCode();
      await store().loginCodes.create(c);
      assert.equal(await store().loginCodes.consume(c.codeHash, c.expiresAt), undefined);
      assert.equal(await store().loginCodes.consume(c.codeHash, c.expiresAt + 1), undefined);
      assert.deepEqual(await store().loginCodes.consume(c.codeHash, c.expiresAt - 1), {
        ...c,
        consumedAt: c.expiresAt - 1,
      });
    });

    it('two concurrent consumes: exactly one wins', async () => {
      const c = loginCode();
      await store().loginCodes.create(c);
      const results = await Promise.all([
        store().loginCodes.consume(c.codeHash, T0 + 1),
        store().loginCodes.consume(c.codeHash, T0 + 2),
      ]);
      assert.equal(results.filter((r) => r !== undefined).length, 1);
    });

    it('create conflicts on a duplicate hash', async () => {
      const c = loginCode();
      await store().loginCodes.create(c);
      await assertConflict(store().loginCodes.create({ ...c, principalObjectId: mixedGuid() }));
    });

    it('deleteExpired removes codes with expiresAt <= before, consumed or not, and counts them', async () => {
      const old = loginCode({ expiresAt: T0 + MINUTE });
      const oldUsed = loginCode({ expiresAt: T0 + MINUTE, consumedAt: T0 + 10 });
      const edge = loginCode({ expiresAt: T0 + 2 * MINUTE });
      const live = loginCode({ expiresAt: T0 + 10 * MINUTE });
      for (const c of [old, oldUsed, edge, live]) await store().loginCodes.create(c);
      assert.equal(await store().loginCodes.deleteExpired(T0 + 2 * MINUTE), 3);
      assert.equal(await store().loginCodes.deleteExpired(T0 + 2 * MINUTE), 0);
      assert.ok(await store().loginCodes.consume(live.codeHash, T0 + 3 * MINUTE));
      assert.equal(await store().loginCodes.consume(edge.codeHash, T0), undefined);
    });
  });
}
