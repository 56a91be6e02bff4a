import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import pg from 'pg';
import { runStoreContract } from './store.contract.js';
import { changesContract } from './changes.contract.js';
import { tenant } from './fixtures.js';
import { postgresMigrations } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/open-store.js';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { describeTarget } from '../../src/store/postgres/pg-pool.js';

// Every run works in schemas of its own (openmi_test_<random>, dropped afterwards), selected
// through the URL's `options=-c search_path=…`, so parallel runs on one database do not collide.
const url = process.env.OPENMI_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const unreachable = await probe(url);

if (unreachable !== undefined) {
  const reason = `PostgreSQL not reachable at ${describeTarget(url)}: ${unreachable}`;
  if (process.env.CI === 'true') {
    it('PostgreSQL is reachable (required when CI=true)', () => assert.fail(reason));
  } else {
    it('Store contract: postgres', { skip: reason }, () => undefined);
  }
} else {
  describe('PostgreSQL store', () => {
    const admin = new pg.Client({ connectionString: url });
    const schemas: string[] = [];
    const newSchema = async (): Promise<string> => {
      const schema = `openmi_test_${randomBytes(6).toString('hex')}`;
      schemas.push(schema);
      await admin.query(`CREATE SCHEMA ${schema}`);
      return schema;
    };
    before(() => admin.connect());
    after(async () => {
      for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await admin.end();
    });

    runStoreContract('postgres', async () =>
      openStore({ kind: 'postgres', url: withSearchPath(url, await newSchema()) }),
    );
    changesContract(async () => {
      const u = withSearchPath(url, await newSchema());
      return [await openStore({ kind: 'postgres', url: u }), await openStore({ kind: 'postgres', url: u })];
    });

    describe('PostgreSQL specifics', () => {
      it('nodes migrating a fresh schema at once apply each version exactly once', async () => {
        const schema = await newSchema();
        const nodes = await Promise.all([1, 2, 3].map(() => openPostgresStore(withSearchPath(url, schema))));
        try {
          await Promise.all(nodes.map((s) => s.migrate()));
          await nodes[0]!.tenants.create(tenant());
        } finally {
          await Promise.all(nodes.map((s) => s.close()));
        }
        const { rows } = await admin.query(`SELECT version FROM ${schema}.schema_migrations ORDER BY version`);
        assert.deepEqual(
          rows.map((r: { version: number }) => r.version),
          postgresMigrations.map((m) => m.version),
        );
        const tenants = await admin.query(`SELECT count(*)::int AS n FROM ${schema}.tenants`);
        assert.equal(tenants.rows[0].n, 1);
      });

      it('refuses a schema newer than this binary knows, naming both versions and the fix', async () => {
        const schema = await newSchema();
        await (await openStore({ kind: 'postgres', url: withSearchPath(url, schema) })).close();
        const newer = postgresMigrations.length + 1;
        await admin.query(`INSERT INTO ${schema}.schema_migrations (version, applied_at) VALUES ($1, $2)`, [
          newer,
          Date.now(),
        ]);
        await assert.rejects(openStore({ kind: 'postgres', url: withSearchPath(url, schema) }), (e: Error) => {
          assert.match(
            e.message,
            new RegExp(
              `schema is at version ${newer}, but this openmi knows migrations up to version ${postgresMigrations.length} only`,
            ),
          );
          assert.match(e.message, /Upgrade this binary/);
          return true;
        });
      });

      it('keeps change events within one schema, and re-listens after its connection is killed, reporting missed events', async () => {
        const u = withSearchPath(url, await newSchema());
        const [a, b, elsewhere] = [
          await openStore({ kind: 'postgres', url: u }),
          await openStore({ kind: 'postgres', url: u }),
          await openStore({ kind: 'postgres', url: withSearchPath(url, await newSchema()) }),
        ];
        try {
          const seen: string[] = [];
          const strays: string[] = [];
          b.changes.subscribe((e) => seen.push(e.kind));
          elsewhere.changes.subscribe((e) => strays.push(e.kind));
          await Promise.all([b.changes.ready(), elsewhere.changes.ready()]);
          await admin.query(
            `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN openmi_changes_%' AND pid <> pg_backend_pid()`,
          );
          const deadline = Date.now() + 5_000;
          while (!seen.includes('missed') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
          assert.ok(
            seen.includes('missed'),
            `the listener reported the gap after reconnecting (saw ${JSON.stringify(seen)})`,
          );
          await a.changes.publish('after', {});
          while (!seen.includes('after') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
          assert.ok(seen.includes('after'), 'events flow again after the reconnect');
          assert.deepEqual(
            strays.filter((k) => k !== 'missed'),
            [],
            'another schema hears nothing of this one',
          );
        } finally {
          await Promise.all([a.close(), b.close(), elsewhere.close()]);
        }
      });

      it('parses int8 as a number on its own pools only, leaving the global pg parser alone', () => {
        assert.equal(pg.types.getTypeParser(20)('1767225600000'), '1767225600000');
      });
    });
  });
}

describe('PostgreSQL connection errors', () => {
  it('name host, port and database but never the password', async () => {
    const bad = 'postgres://someone:s3cr3t-pw@127.0.0.1:1/no_such_db';
    await assert.rejects(openPostgresStore(bad), (e: unknown) => {
      assert.ok(e instanceof Error);
      assert.match(e.message, /127\.0\.0\.1:1\/no_such_db/);
      assert.match(e.message, /Check that the server is running/);
      assert.doesNotMatch(e.message, /s3cr3t-pw/);
      return true;
    });
  });
});

async function probe(target: string): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: target, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return undefined;
  } catch (e) {
    return (e as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function withSearchPath(base: string, schema: string): string {
  const u = new URL(base);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}
