import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/store.js';
import { chainHash } from '../../store/sql/audit-chain.js';
import { forEachStore } from '../../../test/helpers/postgres.js';
import { activityAppend } from './activity.js';
import { verifyLog, verifyLogChunk, type VerifyCursor, type VerifyResult } from './verify.js';

/** The walk the verify API does for big logs: two rows at a time, resuming from each cursor. */
async function inChunks(store: Store): Promise<VerifyResult> {
  let from: VerifyCursor | undefined;
  for (;;) {
    const r = await verifyLogChunk(store, 'activity', { ...(from ? { from } : {}), maxRows: 2, pageSize: 2 });
    if ('ok' in r) return r;
    from = r;
  }
}

const change = (i: number) => ({
  operation: 'Microsoft.ManagedIdentity/userAssignedIdentities/write',
  resourceId: `/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/u${i}`,
  status: 'Succeeded' as const,
  actor: { principalId: 'admin', correlationId: `corr-${i}` },
  at: Date.UTC(2026, 0, 1) + i,
});

/** Raw SQL on a copy of the log, as an attacker with database access would run it. */
type Tamper = (sql: string, params?: unknown[]) => Promise<void>;

/** Each case edits the 6-row chain (lane 0, where seq = lane_seq) and names what verify must report. */
const CASES: {
  name: string;
  edit: (run: Tamper, rows: { hash: string }[]) => Promise<void>;
  expect: Partial<NonNullable<VerifyResult['broken']>>;
}[] = [
  {
    name: 'an edited row',
    edit: (run) => run(`UPDATE activity_log SET data = REPLACE(data, 'u3', 'evil') WHERE seq = 3`),
    expect: { lane: 0, seq: 3, kind: 'edited' },
  },
  {
    name: 'an edited filter column',
    edit: (run) => run(`UPDATE activity_log SET caller_key = 'someone-else' WHERE seq = 2`),
    expect: { lane: 0, seq: 2, kind: 'edited' },
  },
  {
    name: 'a deleted row',
    edit: (run) => run('DELETE FROM activity_log WHERE seq = 4'),
    expect: { lane: 0, seq: 5, kind: 'deleted' },
  },
  {
    name: 'a deleted last row',
    edit: (run) => run('DELETE FROM activity_log WHERE seq = 6'),
    expect: { lane: 0, seq: 6, kind: 'deleted' },
  },
  {
    name: 'an inserted row (later rows renumbered)',
    edit: async (run, rows) => {
      for (let seq = 6; seq >= 3; seq--)
        await run(`UPDATE activity_log SET seq = ${seq + 1}, lane_seq = ${seq + 1} WHERE seq = ${seq}`);
      const forged = activityAppend(change(99));
      await run(
        `INSERT INTO activity_log (seq, lane, lane_seq, at, subscription_key, resource_group_key, resource_key, correlation_key, caller_key, data, prev_hash, hash) VALUES (3, 0, 3, ${forged.at}, $1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          ...['subscription_key', 'resource_group_key', 'resource_key', 'correlation_key', 'caller_key'].map(
            (k) => forged.keys[k],
          ),
          forged.data,
          rows[1]!.hash,
          chainHash(rows[1]!.hash, 3, forged.at, forged.data),
        ],
      );
      await run(`UPDATE audit_heads SET seq = 7 WHERE log = 'activity' AND lane = 0`);
    },
    expect: { lane: 0, seq: 4, kind: 'inserted' },
  },
  {
    name: 'a removed head',
    edit: (run) => run(`DELETE FROM audit_heads WHERE log = 'activity'`),
    expect: { lane: 0, seq: 0, kind: 'deleted' },
  },
  {
    name: 'rows moved to a lane that has no head',
    edit: (run) => run('UPDATE activity_log SET lane = 1, lane_seq = seq - 3 WHERE seq > 3'),
    expect: { lane: 0, seq: 4, kind: 'deleted' },
  },
  {
    name: 'a lane whose head was removed with the rest of its rows',
    edit: async (run) => {
      await run('UPDATE activity_log SET lane = 1, lane_seq = seq - 3 WHERE seq > 3');
      await run(`UPDATE audit_heads SET seq = 3, hash = (SELECT hash FROM activity_log WHERE seq = 3)`);
    },
    expect: { lane: 1, seq: 1, kind: 'deleted' },
  },
];

await forEachStore((kind) => {
  describe(`audit verify finds tampering (${kind})`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'openmi-tamper-'));
    const pristine = join(dir, 'pristine.db');
    let rows: { hash: string }[] = [];
    let pgUrl: () => Promise<{ url: string; drop: () => Promise<void> }>;

    /** A fresh store holding the same 6-row chain: a copy of the file (SQLite) or a new schema (PostgreSQL). */
    const seeded = async (n: number): Promise<{ store: Store; run: Tamper; done: () => Promise<void> }> => {
      if (kind === 'sqlite') {
        const path = join(dir, `copy-${n}.db`);
        copyFileSync(pristine, path);
        const db = new Database(path);
        const store = await openStore({ kind: 'sqlite', path });
        const run: Tamper = async (sql, params = []) =>
          void db.prepare(sql.replace(/\$\d/g, '?')).run(...(params as string[]));
        return {
          store,
          run,
          done: async () => {
            await store.close();
            db.close();
          },
        };
      }
      const s = await pgUrl();
      const store = await openStore({ kind: 'postgres', url: s.url });
      await seed(store);
      const c = new pg.Client({ connectionString: s.url });
      await c.connect();
      return {
        store,
        run: async (sql, params = []) => void (await c.query(sql, params)),
        done: async () => (await store.close(), await c.end(), await s.drop()),
      };
    };
    const seed = async (store: Store) => {
      await store.tx((tx) =>
        tx.audit.append(
          'activity',
          [1, 2, 3, 4, 5, 6].map((i) => activityAppend(change(i))),
        ),
      );
      rows = await store.audit.scan('activity', 0, 10);
    };

    before(async () => {
      const { freshPgSchema } = await import('../../../test/helpers/postgres.js');
      pgUrl = freshPgSchema;
      if (kind !== 'sqlite') return;
      const store = await openStore({ kind: 'sqlite', path: pristine });
      await seed(store);
      await store.close();
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('an untouched chain verifies', async () => {
      const s = await seeded(0);
      assert.deepEqual(await verifyLog(s.store, 'activity'), { log: 'activity', ok: true, rows: 6, lanes: 1 });
      assert.deepEqual(await inChunks(s.store), { log: 'activity', ok: true, rows: 6, lanes: 1 });
      await s.done();
    });

    CASES.forEach((c, i) => {
      it(`names ${c.name}`, async () => {
        const s = await seeded(i + 1);
        await c.edit(s.run, rows);
        const r = await verifyLog(s.store, 'activity');
        assert.equal(r.ok, false);
        assert.deepEqual(
          { lane: r.broken!.lane, seq: r.broken!.seq, kind: r.broken!.kind },
          c.expect,
          r.broken!.reason,
        );
        assert.deepEqual(await inChunks(s.store), r, 'a walk resumed from cursors finds the same break');
        await s.done();
      });
    });
  });
});
