import type pg from 'pg';
import { NewerSchemaError, refuseNewerSchema, type Migration } from '../migrations/index.js';

/**
 * Any fixed number works; it only has to be the same on every node. Advisory locks are per
 * database, so migrations of different schemas in one database also wait for each other.
 */
const MIGRATION_LOCK_KEY = 0x6f70656e6d69; // "openmi" in ASCII

/**
 * Applies missing migrations, each in its own transaction holding a transaction-scoped
 * advisory lock: nodes starting together queue on the lock and the later ones find the
 * version already recorded. The table itself is created under the lock too, because
 * concurrent CREATE TABLE IF NOT EXISTS can fail on PostgreSQL.
 */
export async function migratePostgres(pool: pg.Pool, migrations: readonly Migration[]): Promise<void> {
  for (const m of migrations) await applyOnce(pool, m, migrations);
}

async function applyOnce(pool: pg.Pool, m: Migration, all: readonly Migration[]): Promise<void> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    await client.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at BIGINT NOT NULL)',
    );
    const newest = await client.query<{ v: number }>('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations');
    refuseNewerSchema(newest.rows[0]!.v, all, 'PostgreSQL');
    const done = await client.query('SELECT 1 FROM schema_migrations WHERE version = $1', [m.version]);
    if (done.rowCount === 0) {
      await client.query(m.sql);
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
        m.version,
        Date.now(),
      ]);
    }
    await client.query('COMMIT');
  } catch (e) {
    broken = await rollback(client);
    if (e instanceof NewerSchemaError) throw e;
    throw new Error(`PostgreSQL migration ${m.version} (${m.name}) failed: ${(e as Error).message}`, { cause: e });
  } finally {
    client.release(broken);
  }
}

/** Returns the rollback's own error, so the caller can discard a connection left in a bad state. */
export async function rollback(client: pg.PoolClient): Promise<Error | undefined> {
  try {
    await client.query('ROLLBACK');
    return undefined;
  } catch (e) {
    return e as Error;
  }
}

/**
 * Runs `fn` holding a session advisory lock on a connection of its own (fn's queries use other
 * pool connections). The lock dies with the session, so a node that crashes inside `fn` never
 * leaves it held; a connection whose unlock failed is discarded for the same reason.
 */
export async function underAdvisoryLock<T>(pool: pg.Pool, key: number, fn: () => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query(`SELECT pg_advisory_lock(${key})`);
    try {
      return await fn();
    } finally {
      broken = await client.query(`SELECT pg_advisory_unlock(${key})`).then(
        () => undefined,
        (e: Error) => e,
      );
    }
  } finally {
    client.release(broken);
  }
}
