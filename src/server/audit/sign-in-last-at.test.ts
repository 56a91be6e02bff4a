import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { forEachStore } from '../../../test/helpers/postgres.js';
import { openStore, type StoreSpec } from '../../store/open-store.js';
import type { SignInEvent } from './sign-ins.js';
import { signInAppend } from './sign-in-log.js';
import { verifyLog } from './verify.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const IDENTITY = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u';

const event = (at: number, over: Partial<SignInEvent> = {}): SignInEvent => ({
  at,
  correlationId: `c-${at}`,
  flow: 'managedIdentity',
  principalId: 'p',
  clientId: 'c',
  identityResourceId: IDENTITY,
  callingResourceId: '/vm/1',
  agentId: 'a',
  audience: 'https://vault.azure.net',
  result: 'success',
  errorCode: null,
  reason: null,
  latencyMs: 1,
  ...over,
});

/** Takes the store back to before migration 11, as a store written by the previous release. */
async function downgrade(spec: StoreSpec): Promise<void> {
  const sql = ['ALTER TABLE sign_in_log DROP COLUMN last_at', 'DELETE FROM schema_migrations WHERE version = 11'];
  if (spec.kind === 'sqlite') {
    const db = new Database(spec.path);
    for (const s of sql) db.prepare(s).run();
    db.close();
    return;
  }
  const c = new pg.Client({ connectionString: spec.url });
  await c.connect();
  for (const s of sql) await c.query(s);
  await c.end();
}

await forEachStore((kind, storeSpec) => {
  describe(`migration 11 fills sign_in_log.last_at from the hashed rows (${kind})`, () => {
    it('rows written before it keep verifying, and usage reports the last request a row counts', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'openmi-last-at-'));
      const { spec: url, drop } = await storeSpec();
      const spec: StoreSpec = kind === 'sqlite' ? { kind, path: join(dir, 'openmi.db') } : { kind, url };
      try {
        const rows = [
          event(T0),
          // A folded row counting 3 requests over half a second, and one that folded a single request.
          event(T0 + 1_000, { result: 'failure', errorCode: 'identity_not_found', count: 3, lastAt: T0 + 1_500 }),
          event(T0 + 2_000, { result: 'failure', errorCode: 'identity_not_found', count: 1, lastAt: T0 + 2_000 }),
          event(T0 + 3_000, { source: 'agentCache', count: 40_000, lastAt: T0 + 59_000 }),
        ];
        const before = await openStore(spec);
        await before.tx((tx) => tx.audit.append('signIns', rows.map(signInAppend)));
        await before.close();
        await downgrade(spec);
        const after = await openStore(spec);
        try {
          const stored = await after.audit.scan('signIns', 0, 10);
          assert.deepEqual(
            stored.map((r) => r.keys['last_at']),
            [T0, T0 + 1_500, T0 + 2_000, T0 + 59_000].map(String),
          );
          assert.deepEqual(await verifyLog(after, 'signIns'), { log: 'signIns', ok: true, rows: 4, lanes: 1 });
          const usage = await after.audit.signInUsage({ identityKey: IDENTITY });
          assert.deepEqual(
            usage.map((u) => [u.result, u.count, u.first, u.last]),
            [
              ['failure', 4, T0 + 1_000, T0 + 2_000],
              ['success', 40_001, T0, T0 + 59_000],
            ],
          );
        } finally {
          await after.close();
        }
      } finally {
        await drop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
