import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { forEachStore } from '../../../test/helpers/postgres.js';
import { postgresMigrations, sqliteMigrations } from '../../store/migrations/index.js';
import { openStore, type StoreSpec } from '../../store/open-store.js';
import { migratePostgres } from '../../store/postgres/pg-migrate.js';
import { chainHash } from '../../store/sql/audit-chain.js';
import { migrateSqlite } from '../../store/sqlite/sqlite-migrate.js';
import { SqliteStatements } from '../../store/sqlite/sqlite-executor.js';
import { activityAppend } from './activity.js';
import { verifyLog } from './verify.js';

const BEFORE_LANES = 12;

const change = (i: number) =>
  activityAppend({
    operation: 'Microsoft.Resources/resourceGroups/write',
    resourceId: `/subscriptions/s1/resourceGroups/rg${i}`,
    status: 'Succeeded',
    actor: { principalId: 'admin', correlationId: `corr-${i}` },
    at: Date.UTC(2026, 0, 1) + i,
  });

/** The statements the single-chain append of the previous release ran: seq = head + 1…, then the head. */
function singleChainAppend(n: number): [string, unknown[]][] {
  const out: [string, unknown[]][] = [];
  let hash = '';
  for (let seq = 1; seq <= n; seq++) {
    const e = change(seq);
    const next = chainHash(hash, seq, e.at, e.data);
    const keys = ['subscription_key', 'resource_group_key', 'resource_key', 'correlation_key', 'caller_key'];
    out.push([
      `INSERT INTO activity_log (seq, at, ${keys.join(', ')}, data, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [seq, e.at, ...keys.map((k) => e.keys[k] ?? ''), e.data, hash, next],
    ]);
    hash = next;
  }
  out.push([`UPDATE audit_heads SET seq = $1, hash = $2 WHERE log = 'activity'`, [n, hash]]);
  return out;
}

/** A store at migration 12 holding a single-chain activity log of `n` rows, as the previous release wrote it. */
async function previousRelease(spec: StoreSpec, n: number): Promise<void> {
  if (spec.kind === 'sqlite') {
    const db = new Database(spec.path);
    migrateSqlite(new SqliteStatements(db), sqliteMigrations.slice(0, BEFORE_LANES));
    for (const [sql, params] of singleChainAppend(n)) db.prepare(sql.replace(/\$\d+/g, '?')).run(...params);
    db.close();
    return;
  }
  const pool = new pg.Pool({ connectionString: spec.url });
  await migratePostgres(pool, postgresMigrations.slice(0, BEFORE_LANES));
  for (const [sql, params] of singleChainAppend(n)) await pool.query(sql, params);
  await pool.end();
}

await forEachStore((kind, storeSpec) => {
  describe(`migration 13 turns a single-chain log into lane 0 (${kind})`, () => {
    it('the upgraded log verifies, and appends go on from it with fresh seqs', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'openmi-lanes-'));
      const { spec: url, drop } = await storeSpec();
      const spec: StoreSpec = kind === 'sqlite' ? { kind, path: join(dir, 'openmi.db') } : { kind, url };
      try {
        await previousRelease(spec, 5);
        const store = await openStore(spec);
        try {
          assert.deepEqual(await verifyLog(store, 'activity'), { log: 'activity', ok: true, rows: 5, lanes: 1 });
          await store.tx((tx) => tx.audit.append('activity', [change(6), change(7)]));
          const rows = await store.audit.scan('activity', 0, 10);
          assert.deepEqual(
            rows.map((r) => [r.seq, r.lane, r.laneSeq]),
            [1, 2, 3, 4, 5, 6, 7].map((i) => [i, 0, i]),
          );
          assert.deepEqual(await verifyLog(store, 'activity'), { log: 'activity', ok: true, rows: 7, lanes: 1 });
          assert.deepEqual(await verifyLog(store, 'signIns'), { log: 'signIns', ok: true, rows: 0, lanes: 1 });
        } finally {
          await store.close();
        }
      } finally {
        await drop();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
