import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it, type TestOptions } from 'node:test';
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
 * `describe(title, suite)` for a suite that needs PostgreSQL: skipped with a reason when it is
 * unreachable, and failed instead when CI=true (CI must test both stores).
 */
export async function describeOnPostgres(title: string, suite: () => void): Promise<void> {
  const why = await pgUnreachable();
  if (why === undefined) describe(title, suite);
  else if (process.env['CI'] === 'true')
    it(`${title}: PostgreSQL is reachable (required when CI=true)`, () =>
      assert.fail(`PostgreSQL not reachable at ${PG_URL}: ${why}`));
  else describe(title, { skip: `PostgreSQL not reachable at ${PG_URL}: ${why}` }, suite);
}

/**
 * Runs `suite` for each store. PostgreSQL is skipped with a reason when unreachable, and
 * fails instead when CI=true (CI must test both stores).
 */
export async function forEachStore(
  suite: (store: 'sqlite' | 'postgres', storeSpec: () => Promise<{ spec: string; drop: () => Promise<void> }>) => void,
): Promise<void> {
  suite('sqlite', async () => ({ spec: 'sqlite', drop: async () => undefined }));
  const why = await pgUnreachable();
  if (why === undefined) {
    suite('postgres', async () => {
      const s = await freshPgSchema();
      return { spec: s.url, drop: s.drop };
    });
  } else if (process.env['CI'] === 'true') {
    it('PostgreSQL is reachable (required when CI=true)', () =>
      assert.fail(`PostgreSQL not reachable at ${PG_URL}: ${why}`));
  } else {
    it('PostgreSQL store', { skip: `PostgreSQL not reachable at ${PG_URL}: ${why}` }, () => undefined);
  }
}

/** A suite's store, as startTestServer options: `store.options()` makes a fresh schema on PostgreSQL. */
export interface SuiteStore {
  name: 'sqlite' | 'postgres';
  options(): Promise<{ store: string; onStop: () => Promise<void> }>;
}

/**
 * `describe(title, [options,] suite)` once per store, as forEachStore: each suite starts its own
 * server (one per file and store, not per test) with `startTestServer(await store.options())`.
 */
export async function describeEachStore(
  title: string,
  ...args: [(store: SuiteStore) => void] | [TestOptions, (store: SuiteStore) => void]
): Promise<void> {
  const [options, suite] = args.length === 1 ? [{}, args[0]] : args;
  await forEachStore((name, storeSpec) => {
    const store: SuiteStore = {
      name,
      options: async () => {
        const s = await storeSpec();
        return { store: s.spec, onStop: s.drop };
      },
    };
    describe(`${title} (${name})`, options, () => suite(store));
  });
}
