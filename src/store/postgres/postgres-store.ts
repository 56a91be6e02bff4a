import type pg from 'pg';
import { postgresMigrations } from '../migrations/index.js';
import { transactionScoped } from '../sql/executor.js';
import type { QueryTimings } from '../query-timings.js';
import { createRepos } from '../sql/repos.js';
import type { AuditLanes } from '../sql/audit-lanes.js';
import type { Store, StoreRepos } from '../store.js';
import { pgAuditLanes } from './pg-audit-lanes.js';
import { pgExecutor } from './pg-executor.js';
import { migratePostgres, rollback, underAdvisoryLock } from './pg-migrate.js';
import { PgLeadership } from './pg-leadership.js';
import { PgChangeBus } from './pg-changes.js';
import { checkConnection, createPool } from './pg-pool.js';

/** Distinct from the migration lock's key, so a node bootstrapping never blocks another's migration step. */
const INSTALL_LOCK_KEY = 0x6f6d692d696e; // "omi-in"

/**
 * Opens a pool on `url` and checks that it can connect. Does not migrate; `openStore` does.
 * To keep openmi's tables in a schema of their own, put it in the URL:
 * `?options=-c%20search_path%3Dmy_schema` (the schema must exist).
 */
export async function openPostgresStore(url: string, timings?: QueryTimings): Promise<Store> {
  const pool = createPool(url);
  try {
    await checkConnection(pool, url);
  } catch (e) {
    await pool.end();
    throw e;
  }
  // Audit lanes are added on a connection of their own (pg-audit-lanes.ts): when every pooled
  // connection is inside a transaction waiting for a lane, adding one must not need a pooled one.
  const lanePool = createPool(url, { max: 1, idleTimeoutMillis: 10_000 });
  const lanes = pgAuditLanes(pgExecutor(lanePool));
  const leadership = new PgLeadership(url);
  const changes = new PgChangeBus(pool, url);
  return {
    kind: 'postgres',
    ...createRepos(pgExecutor(pool), lanes, timings),
    changes,
    tx: (fn) => runTx(pool, lanes, changes, fn, timings),
    migrate: () => migratePostgres(pool, postgresMigrations),
    underInstallLock: (fn) => underAdvisoryLock(pool, INSTALL_LOCK_KEY, fn),
    tryLead: () => leadership.tryLead(),
    close: async () => {
      await changes.close();
      await leadership.close();
      await lanePool.end();
      await pool.end();
    },
  };
}

async function runTx<T>(
  pool: pg.Pool,
  lanes: AuditLanes,
  changes: PgChangeBus,
  fn: (tx: StoreRepos) => Promise<T>,
  timings?: QueryTimings,
): Promise<T> {
  const client = await pool.connect();
  const scope = transactionScoped(pgExecutor(client));
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    const result = await fn({ ...createRepos(scope.executor, lanes, timings), changes: changes.transactional(client) });
    await client.query('COMMIT');
    return result;
  } catch (e) {
    broken = await rollback(client);
    throw e;
  } finally {
    scope.end();
    // A client whose ROLLBACK failed may still be inside the transaction: destroy it.
    client.release(broken);
  }
}
