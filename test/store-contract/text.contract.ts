import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { T0, useStore } from './fixtures.js';

/**
 * Text a caller controls (a `%00` in a path, a client_id, a query) reaches lookups and the audit
 * log's key columns. PostgreSQL refuses NUL in text, so both stores keep U+FFFD in its place:
 * a lookup finds nothing, and an append never fails — nor the batch it shares (docs/security.md, finding 1).
 */
export function textContract(newStore: () => Promise<Store>): void {
  describe('text with NUL characters', () => {
    const store = useStore(newStore);

    it('lookups by a key holding NUL find nothing instead of failing', async () => {
      assert.equal(await store().tenants.get('t\u0000'), undefined);
      assert.equal(await store().principals.getByAppId('\u0000app'), undefined);
      assert.equal(await store().principals.getByObjectId('a\u0000b'), undefined);
      assert.equal(await store().keyVaults.getByName('kv\u0000'), undefined);
      assert.equal(await store().meta.get('k\u0000'), undefined);
    });

    it('an audit append whose key columns hold NUL commits, with its batch', async () => {
      const row = (i: number, client: string) => ({
        at: T0 + i,
        data: JSON.stringify({ i, client }),
        keys: {
          principal_key: '',
          client_key: client,
          identity_key: '',
          calling_key: '',
          result: 'failure',
          correlation_key: `c${i}`,
        },
      });
      await store().tx((tx) => tx.audit.append('signIns', [row(1, 'ok'), row(2, 'x\u0000y'), row(3, 'ok')]));
      const rows = await store().audit.scan('signIns', 0, 10);
      assert.deepEqual(
        rows.map((r) => r.keys['client_key']),
        ['ok', 'x\ufffdy', 'ok'],
      );
      assert.equal(JSON.parse(rows[1]!.data).client, 'x\u0000y', 'the hashed data keeps the value, escaped as JSON');
    });
  });
}
