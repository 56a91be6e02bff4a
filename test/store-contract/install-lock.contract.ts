import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { tenant, useStore } from './fixtures.js';

export function installLockContract(newStore: () => Promise<Store>): void {
  describe('underInstallLock', () => {
    const store = useStore(newStore);

    it('runs callers one at a time, each able to use the store, and returns their values', async () => {
      let inside = 0;
      let most = 0;
      const results = await Promise.all(
        [1, 2, 3].map((n) =>
          store().underInstallLock(async () => {
            most = Math.max(most, ++inside);
            await store().tenants.create(tenant());
            await new Promise((r) => setTimeout(r, 20));
            inside--;
            return n;
          }),
        ),
      );
      assert.deepEqual(results, [1, 2, 3]);
      assert.equal(most, 1, 'no two callers inside at once');
    });

    it('rethrows fn’s error and releases the lock', async () => {
      const boom = new Error('boom');
      await assert.rejects(
        store().underInstallLock(async () => {
          throw boom;
        }),
        (e: unknown) => e === boom,
      );
      assert.equal(await store().underInstallLock(async () => 'again'), 'again');
    });
  });
}
