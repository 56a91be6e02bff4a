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

export function sqliteExecutor(statements: SqliteStatements, gate: Gate): Executor {
  return {
    all: (sql, params) => gate(() => statements.all(sql, params)),
    get: (sql, params) => gate(() => statements.get(sql, params)),
    run: (sql, params) => gate(() => statements.run(sql, params)),
  };
}
