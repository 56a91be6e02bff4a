import type Database from 'better-sqlite3';
import type { Executor, SqlParams } from '../sql/executor.js';

type Bindings = Record<string, unknown>;
type Statement = Database.Statement<[Bindings], unknown>;

/**
 * Runs `op` when the connection may be used: immediately for the transaction's own statements,
 * after any open transaction for everyone else.
 */
export type Gate = <T>(op: () => T) => Promise<T>;

// `$1` → `?1`. better-sqlite3 treats `?NNN` as named, so parameters are bound as {1: …, 2: …}.
const toSqlite = (sql: string): string => sql.replace(/\$(\d+)/g, '?$1');
const toBindings = (params: SqlParams): Bindings =>
  Object.fromEntries(params.map((value, i) => [String(i + 1), value]));

/**
 * Statements with longer SQL are prepared for each use, not cached: the audit log's multi-row
 * INSERTs (sql/audit-rows.ts) differ by row count, up to thousands of rows; preparing one costs
 * far less than the rows it writes.
 */
const MAX_CACHED_SQL_CHARS = 8192;

/** Synchronous statement runner with a prepared-statement cache keyed by the repository's SQL text. */
export class SqliteStatements {
  // Bounded by the SQL repositories use: a fixed set of strings, and short multi-row INSERTs
  // (at most MAX_CACHED_SQL_CHARS, so about a hundred row counts per audit log).
  private readonly cache = new Map<string, Statement>();

  constructor(private readonly db: Database.Database) {}

  all<T>(sql: string, params: SqlParams = []): T[] {
    return this.prepare(sql).all(toBindings(params)) as T[];
  }

  get<T>(sql: string, params: SqlParams = []): T | undefined {
    return this.prepare(sql).get(toBindings(params)) as T | undefined;
  }

  run(sql: string, params: SqlParams = []): { changes: number } {
    return { changes: this.prepare(sql).run(toBindings(params)).changes };
  }

  /** Unparameterised statements: transaction control and migrations. */
  exec(sql: string): void {
    this.db.exec(sql);
  }

  /** Whether the statement can change the database (better-sqlite3's `readonly` is SQLite's sqlite3_stmt_readonly). */
  writes(sql: string): boolean {
    return !this.prepare(sql).readonly;
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  private prepare(sql: string): Statement {
    let stmt = this.cache.get(sql);
    if (stmt === undefined) {
      stmt = this.db.prepare<Bindings>(toSqlite(sql));
      if (sql.length <= MAX_CACHED_SQL_CHARS) this.cache.set(sql, stmt);
    }
    return stmt;
  }
}

/**
 * `durable`, when given, runs after each statement that writes and resolves once the write is on
 * disk: for autocommit statements outside a transaction, whose COMMIT is their own (a transaction
 * syncs once, after its COMMIT). `UPDATE … RETURNING` arrives through get/all, so every method checks.
 */
export function sqliteExecutor(statements: SqliteStatements, gate: Gate, durable?: () => Promise<void>): Executor {
  const then =
    durable === undefined
      ? <T>(_sql: string, result: Promise<T>) => result
      : async <T>(sql: string, result: Promise<T>): Promise<T> => {
          const r = await result;
          if (statements.writes(sql)) await durable();
          return r;
        };
  return {
    all: (sql, params) =>
      then(
        sql,
        gate(() => statements.all(sql, params)),
      ),
    get: (sql, params) =>
      then(
        sql,
        gate(() => statements.get(sql, params)),
      ),
    run: (sql, params) =>
      then(
        sql,
        gate(() => statements.run(sql, params)),
      ),
  };
}
