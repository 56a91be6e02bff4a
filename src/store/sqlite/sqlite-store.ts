import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { createPrivateFile } from '../../kernel/private-files.js';
import { sqliteMigrations } from '../migrations/index.js';
import { InProcessChangeBus } from '../changes.js';
import { sqliteAuditLanes } from '../sql/audit-lanes.js';
import { transactionScoped } from '../sql/executor.js';
import type { QueryTimings } from '../query-timings.js';
import { CachedPrincipalRepo, credentialWritesFor, type CredentialWrites } from '../sql/credential-cache.js';
import { createRepos } from '../sql/repos.js';
import type { Store, StoreRepos } from '../store.js';
import { Mutex } from './mutex.js';
import { sqliteExecutor, SqliteStatements } from './sqlite-executor.js';
import { migrateSqlite } from './sqlite-migrate.js';
import { WalCheckpointer } from './wal-checkpointer.js';
import { WalSync } from './wal-sync.js';

export interface SqliteStoreOptions {
  /** How long a store call may wait for a running tx(fn) before it is taken for re-entry (default 30 s). */
  reentryWaitMs?: number;
  /** How often the checkpointer thread copies the WAL into the database (wal-checkpointer.ts). */
  checkpointIntervalMs?: number;
}

/**
 * Opens (creating if needed) a SQLite database file, or an in-memory one for ':memory:'.
 * Does not migrate; `openStore` does.
 */
export async function openSqliteStore(
  path: string | ':memory:',
  timings?: QueryTimings,
  options: SqliteStoreOptions = {},
): Promise<Store> {
  let db: Database.Database;
  try {
    // Created 0600 before SQLite opens it: SQLite would apply the umask (0644), and it gives the
    // -wal and -shm files the database file's mode.
    if (path !== ':memory:') createPrivateFile(path);
    db = new Database(path);
  } catch (e) {
    throw new Error(
      `Cannot open SQLite database at ${path}: ${(e as Error).message}. Check that the directory exists and is writable.`,
      { cause: e },
    );
  }
  try {
    configure(db);
  } catch (e) {
    db.close();
    throw e;
  }
  if (path === ':memory:') return new SqliteSession(db, new InProcessChangeBus(path), undefined).store();
  const disk = {
    wal: new WalSync(`${path}-wal`),
    checkpointer: new WalCheckpointer(db, path, { intervalMs: options.checkpointIntervalMs }),
  };
  return new SqliteSession(
    db,
    new InProcessChangeBus(path),
    disk,
    timings,
    options.reentryWaitMs,
    credentialWritesFor(resolve(path)),
  ).store();
}

function configure(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  // NORMAL alone can lose the last commits on power loss; every write is acknowledged only after
  // WalSync has flushed the WAL, off the event loop (wal-sync.ts), which restores FULL's guarantee.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
}

/**
 * One connection shared by everything. better-sqlite3 is synchronous but tx(fn) awaits, so a
 * mutex keeps other callers' statements out of an open transaction: tx() holds it for the
 * whole of fn, and every other statement waits while it is held.
 */
class SqliteSession {
  private readonly statements: SqliteStatements;
  private readonly mutex = new Mutex();
  /** Not `mutex`: fn makes ordinary store calls, which take that one. */
  private readonly installMutex = new Mutex();

  constructor(
    private readonly db: Database.Database,
    private readonly changes: InProcessChangeBus,
    /** Absent for ':memory:', which has nothing to make durable or checkpoint. */
    private readonly disk: { wal: WalSync; checkpointer: WalCheckpointer } | undefined,
    /** Store-call durations for /metrics (src/store/query-timings.ts); absent, nothing is timed. */
    private readonly timings?: QueryTimings,
    private readonly reentryWaitMs = 30_000,
    /** Writes to principals and client secrets through any store on this file (credential-cache.ts). */
    private readonly credentialWrites: CredentialWrites = credentialWritesFor(':memory:'),
  ) {
    this.statements = new SqliteStatements(db);
  }

  store(): Store {
    const repos = createRepos(
      sqliteExecutor(
        this.statements,
        (op) => this.outsideTx(op),
        () => this.durable(),
      ),
      sqliteAuditLanes,
      this.timings,
      this.credentialWrites.bump,
    );
    return {
      kind: 'sqlite',
      ...repos,
      // The only writer of the file (the data-dir lock): every write passes through here and bumps.
      principals: new CachedPrincipalRepo(repos.principals, this.credentialWrites),
      changes: this.changes,
      tx: async (fn) => {
        const result = await this.tx(fn);
        await this.durable();
        return result;
      },
      migrate: async () => {
        await this.exclusive(() => migrateSqlite(this.statements, sqliteMigrations));
        await this.durable();
      },
      underInstallLock: (fn) => this.underInstallLock(fn),
      // One process per database file (the data-dir lock), so it always leads.
      tryLead: async () => true,
      close: async () => {
        // Its connection first: the server's, closing last, checkpoints what is left and removes the WAL.
        await this.disk?.checkpointer.stop();
        await this.exclusive(() => {
          this.changes.close();
          this.db.close();
        });
        await this.disk?.wal.close();
      },
    };
  }

  /** Waits for the commits made so far to reach the disk; outside the mutex, so writers go on meanwhile. */
  private durable(): Promise<void> {
    return this.disk?.wal.sync() ?? Promise.resolve();
  }

  /** Other processes are kept off the file by the data-dir lock; this orders callers within this one. */
  private async underInstallLock<T>(fn: () => Promise<T>): Promise<T> {
    await this.installMutex.acquire();
    try {
      return await fn();
    } finally {
      this.installMutex.release();
    }
  }

  private async tx<T>(fn: (tx: StoreRepos) => Promise<T>): Promise<T> {
    await this.acquire();
    const scope = transactionScoped(sqliteExecutor(this.statements, async (op) => op()));
    const changes = this.changes.transactional();
    try {
      this.statements.exec('BEGIN IMMEDIATE');
      const repos = createRepos(scope.executor, sqliteAuditLanes, this.timings, this.credentialWrites.bump);
      const result = await fn({ ...repos, changes });
      this.statements.exec('COMMIT');
      changes.send();
      return result;
    } catch (e) {
      // SQLite may already have rolled back by itself (e.g. on SQLITE_FULL).
      if (this.statements.inTransaction) this.statements.exec('ROLLBACK');
      throw e;
    } finally {
      scope.end();
      this.mutex.release();
    }
  }

  /**
   * Check and run happen in one synchronous step when the lock is free, so a tx() starting
   * in between cannot capture the statement.
   */
  private async outsideTx<T>(op: () => T): Promise<T> {
    if (!this.mutex.locked) return op();
    return this.exclusive(op);
  }

  private async exclusive<T>(op: () => T): Promise<T> {
    await this.acquire();
    try {
      return op();
    } finally {
      this.mutex.release();
    }
  }

  /**
   * A store call from inside tx(fn) waits for fn to finish, i.e. forever; it fails after
   * `reentryWaitMs` instead. Not an AsyncLocalStorage check: on Node 20 one AsyncLocalStorage
   * installs promise hooks that slowed every promise in the process, about 11% of the main
   * thread's CPU per token (docs/performance.md). A transaction here holds the only connection
   * and never waits on the network, so no honest one is open for that long.
   */
  private acquire(): Promise<void> {
    return this.mutex.acquire(
      this.reentryWaitMs,
      () =>
        new Error(
          `Store call refused after waiting ${this.reentryWaitMs} ms for the running transaction to end. ` +
            'If it was made from inside its own tx(fn), use the repos passed to fn (on SQLite such a call ' +
            'waits forever); otherwise a transaction is stuck: check the log for a slow or hung write.',
        ),
    );
  }
}
