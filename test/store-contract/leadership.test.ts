import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import pg from 'pg';
import { openStore } from '../../src/store/open-store.js';
import type { Store } from '../../src/store/store.js';
import { forEachStore, freshPgSchema, pgUnreachable } from '../helpers/postgres.js';
import { waitFor } from '../helpers/wait.js';

const leaders = async (stores: Store[]) => (await Promise.all(stores.map((s) => s.tryLead()))).filter(Boolean).length;

describe('housekeeping leadership (Store.tryLead)', () => {
  it('SQLite: the one process always leads', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openmi-lead-'));
    const store = await openStore({ kind: 'sqlite', path: join(dir, 'openmi.db') });
    try {
      assert.equal(await store.tryLead(), true);
      assert.equal(await store.tryLead(), true);
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('PostgreSQL: two nodes on one database', async () => {
    const why = await pgUnreachable();
    if (why !== undefined) {
      if (process.env['CI'] === 'true') it('PostgreSQL is reachable (required when CI=true)', () => assert.fail(why));
      else it('PostgreSQL leadership', { skip: why }, () => undefined);
      return;
    }
    const cleanups: (() => Promise<void>)[] = [];
    after(async () => {
      for (const c of cleanups.reverse()) await c();
    });
    const twoNodes = async (): Promise<{ a: Store; b: Store; schemaUrl: string }> => {
      const schema = await freshPgSchema();
      const a = await openStore({ kind: 'postgres', url: schema.url });
      const b = await openStore({ kind: 'postgres', url: schema.url });
      // A test may already have closed one of them.
      cleanups.push(
        schema.drop,
        () => a.close().catch(() => undefined),
        () => b.close().catch(() => undefined),
      );
      return { a, b, schemaUrl: schema.url };
    };

    it('exactly one leads, asking again changes nothing, and closing the leader hands over', async () => {
      const { a, b } = await twoNodes();
      const [la, lb] = await Promise.all([a.tryLead(), b.tryLead()]);
      assert.equal(Number(la) + Number(lb), 1, 'exactly one leader');
      for (let i = 0; i < 3; i++) assert.equal(await leaders([a, b]), 1);
      const [leader, follower] = la ? [a, b] : [b, a];
      await leader.close();
      assert.equal(await follower.tryLead(), true, 'the other node takes over at its next try');
      assert.equal(await follower.tryLead(), true);
    });

    it('a leader whose connection dies loses the lead, and another node takes over', async () => {
      const { a, b, schemaUrl } = await twoNodes();
      assert.equal(await a.tryLead(), true);
      assert.equal(await b.tryLead(), false);
      // Kill a's session from outside, as a crashed node or a cut network would end it. Only this
      // schema's lock (its second key is the schema's hash): other tests' leaders run beside this one.
      const admin = new pg.Client({ connectionString: schemaUrl });
      await admin.connect();
      try {
        await admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND classid = $1 AND granted
             AND objid::bigint = (hashtext(current_schema())::bigint & 4294967295)`,
          [0x6f6d696c],
        );
      } finally {
        await admin.end();
      }
      // pg_terminate_backend only signals: the lock goes when that backend has exited.
      await waitFor(() => b.tryLead(), { what: 'b to take the lead', timeoutMs: 10_000 });
      assert.equal(await a.tryLead(), false, 'a reconnects as a follower');
      assert.equal(await leaders([a, b]), 1);
    });

    it('installations in different schemas of one database each have their own leader', async () => {
      const one = await twoNodes();
      const two = await twoNodes();
      assert.equal(await leaders([one.a, one.b]), 1);
      assert.equal(await leaders([two.a, two.b]), 1);
    });
  });
});

await forEachStore((kind, spec) => {
  describe(`token revocations are pruned by time (${kind})`, () => {
    it('deleteRevokedBefore deletes only revocations made before the cut-off', async () => {
      const s = await spec();
      const store = await openStore(
        s.spec === 'sqlite' ? { kind: 'sqlite', path: ':memory:' } : { kind: 'postgres', url: s.spec },
      );
      try {
        await store.tokenRevocations.put({ principalId: 'a', revokedAt: 1000, revokedBy: 'x' });
        await store.tokenRevocations.put({ principalId: 'b', revokedAt: 2000, revokedBy: 'x' });
        assert.equal(await store.tokenRevocations.deleteRevokedBefore(2000), 1);
        assert.deepEqual(
          (await store.tokenRevocations.list()).map((r) => r.principalId),
          ['b'],
        );
        assert.equal(await store.tokenRevocations.deleteRevokedBefore(2000), 0);
      } finally {
        await store.close();
        await s.drop();
      }
    });
  });
});
