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
import { parseSignIn, signInAppend } from './sign-in-log.js';
import { verifyLog } from './verify.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

const event = (at: number, over: Partial<SignInEvent> = {}): SignInEvent => ({
  at,
  correlationId: `c-${at}`,
  flow: 'managedIdentity',
  principalId: 'p',
  clientId: 'c',
  identityResourceId: null,
  callingResourceId: '/vm/1',
  agentId: 'a',
  audience: 'https://vault.azure.net',
  result: 'success',
  errorCode: null,
  reason: null,
  latencyMs: 1,
  ...over,
});

/** Takes the store back to before migration 12, as a store written by the previous release. */
async function downgrade(spec: StoreSpec): Promise<void> {
  const sql = [
    'DROP INDEX sign_in_log_id',
    'ALTER TABLE sign_in_log DROP COLUMN flow',
    'ALTER TABLE sign_in_log DROP COLUMN error_code',
    'ALTER TABLE sign_in_log DROP COLUMN id_key',
    'DELETE FROM schema_migrations WHERE version = 12',
  ];
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
  describe(`migration 12 fills sign_in_log.flow, error_code and id_key from the hashed rows (${kind})`, () => {
    it('rows written before it keep verifying and can be found by flow, error code and id', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'openmi-graph-keys-'));
      const { spec: url, drop } = await storeSpec();
      const spec: StoreSpec = kind === 'sqlite' ? { kind, path: join(dir, 'openmi.db') } : { kind, url };
      try {
        const rows = [
          event(T0),
          event(T0 + 1, { flow: 'clientCredentials', result: 'failure', errorCode: 'invalid_client' }),
          // Agents upload their own error codes: one needing JSON escapes must come back exactly.
          event(T0 + 2, { result: 'failure', errorCode: 'odd "quoted" \\ code', reason: '"errorCode":"x"' }),
          event(T0 + 3, { flow: 'federated', correlationId: '"flow":"loginLink"' }),
        ];
        const before = await openStore(spec);
        await before.tx((tx) => tx.audit.append('signIns', rows.map(signInAppend)));
        await before.close();
        await downgrade(spec);
        const after = await openStore(spec);
        try {
          const stored = await after.audit.scan('signIns', 0, 10);
          assert.deepEqual(
            stored.map((r) => [r.keys['flow'], r.keys['error_code'], r.keys['id_key']]),
            stored.map((r) => {
              const s = parseSignIn(r);
              return [s.flow, s.errorCode ?? '', s.id];
            }),
          );
          assert.deepEqual(
            stored.map((r) => r.keys['flow']),
            ['managedIdentity', 'clientCredentials', 'managedIdentity', 'federated'],
          );
          assert.equal(stored[2]!.keys['error_code'], 'odd "quoted" \\ code');
          assert.deepEqual(await verifyLog(after, 'signIns'), { log: 'signIns', ok: true, rows: 4, lanes: 1 });
          const id = parseSignIn(stored[1]!).id;
          const byId = await after.audit.query('signIns', { eq: { id_key: id } }, 10);
          assert.deepEqual(
            byId.items.map((r) => r.seq),
            [2],
          );
          const mi = await after.audit.query('signIns', { in: { flow: ['managedIdentity', 'federated'] } }, 10);
          assert.deepEqual(
            mi.items.map((r) => r.seq),
            [4, 3, 1],
          );
          const other = await after.audit.query('signIns', { notIn: { error_code: ['', 'invalid_client'] } }, 10);
          assert.deepEqual(
            other.items.map((r) => r.seq),
            [3],
          );
          const none = await after.audit.query('signIns', { in: { flow: [] } }, 10);
          assert.equal(none.items.length, 0);
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
