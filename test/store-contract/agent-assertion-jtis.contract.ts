import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, it } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { flipCase, mixedGuid, T0, useStore } from './fixtures.js';

const MINUTE = 60_000;

export function agentAssertionJtiContract(newStore: () => Promise<Store>): void {
  describe('agentAssertionJtis', () => {
    const store = useStore(newStore);
    const repo = () => store().agentAssertionJtis;

    it('the first claim of a jti wins, every later one loses, whatever expiry it names', async () => {
      const agent = mixedGuid();
      const jti = randomUUID();
      assert.equal(await repo().claim(agent, jti, T0 + 5 * MINUTE), true);
      assert.equal(await repo().claim(agent, jti, T0 + 5 * MINUTE), false);
      assert.equal(await repo().claim(agent, jti, T0 + 50 * MINUTE), false);
    });

    it('is per agent and exact: another agent, or another case of either id, is another claim', async () => {
      const agent = mixedGuid();
      const jti = `${randomUUID()}-aB`;
      assert.equal(await repo().claim(agent, jti, T0 + MINUTE), true);
      assert.equal(await repo().claim(mixedGuid(), jti, T0 + MINUTE), true);
      assert.equal(await repo().claim(flipCase(agent), jti, T0 + MINUTE), true);
      assert.equal(await repo().claim(agent, flipCase(jti), T0 + MINUTE), true);
      assert.equal(await repo().claim(agent, jti, T0 + MINUTE), false);
    });

    it('concurrent claims of one jti: exactly one wins', async () => {
      const agent = mixedGuid();
      const jti = randomUUID();
      const results = await Promise.all(Array.from({ length: 8 }, () => repo().claim(agent, jti, T0 + MINUTE)));
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('deleteExpired removes rows with expiresAt <= now and counts them; a deleted jti can be claimed again', async () => {
      await repo().deleteExpired(T0 + 999 * MINUTE); // the rows of the tests above
      const agent = mixedGuid();
      const [old, edge, live] = [randomUUID(), randomUUID(), randomUUID()];
      await repo().claim(agent, old, T0 + 1000 * MINUTE);
      await repo().claim(mixedGuid(), edge, T0 + 1001 * MINUTE);
      await repo().claim(agent, live, T0 + 1010 * MINUTE);
      assert.equal(await repo().deleteExpired(T0 + 1001 * MINUTE), 2);
      assert.equal(await repo().deleteExpired(T0 + 1001 * MINUTE), 0);
      assert.equal(await repo().claim(agent, live, T0 + 1010 * MINUTE), false, 'the live row stayed');
      assert.equal(await repo().claim(agent, old, T0 + 1010 * MINUTE), true);
    });

    it('commits and rolls back with a transaction', async () => {
      const agent = mixedGuid();
      const jti = randomUUID();
      await assert.rejects(
        store().tx(async (tx) => {
          assert.equal(await tx.agentAssertionJtis.claim(agent, jti, T0 + MINUTE), true);
          throw new Error('roll back');
        }),
        /roll back/,
      );
      assert.equal(await repo().claim(agent, jti, T0 + MINUTE), true, 'the rolled-back claim left nothing');
    });
  });
}
