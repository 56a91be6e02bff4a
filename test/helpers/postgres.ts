import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import pg from 'pg';

/** The PostgreSQL the tests use (trust auth, database `test`); OPENMI_TEST_PG_URL overrides. */
export const PG_URL = process.env['OPENMI_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh schema selected through the URL's search_path, and a function that drops it. */
export async function freshPgSchema(): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `openmi_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const u = new URL(PG_URL);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return {
    url: u.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: PG_URL });
      await c.connect();
      await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      await c.end();
    },
  };
}

/** Undefined when reachable, else why not. */
export async function pgUnreachable(): Promise<string | undefined> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.end();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Runs `suite` for each store. PostgreSQL is skipped with a reason when unreachable, and
 * fails instead when CI=true (CI must test both stores).
 */
export async function forEachStore(suite: (store: 'sqlite' | 'postgres', storeSpec: () => Promise<{ spec: string; drop: () => Promise<void> }>) => void): Promise<void> {
  suite('sqlite', async () => ({ spec: 'sqlite', drop: async () => undefined }));
  const why = await pgUnreachable();
  if (why === undefined) {
    suite('postgres', async () => {
      const s = await freshPgSchema();
      return { spec: s.url, drop: s.drop };
    });
  } else if (process.env['CI'] === 'true') {
    it('PostgreSQL is reachable (required when CI=true)', () => assert.fail(`PostgreSQL not reachable at ${PG_URL}: ${why}`));
  } else {
    it('PostgreSQL store', { skip: `PostgreSQL not reachable at ${PG_URL}: ${why}` }, () => undefined);
  }
}
