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

/** Synchronous statement runner with a prepared-statement cache keyed by the repository's SQL text. */
export class SqliteStatements {
  // Unbounded on purpose: repositories use a fixed set of SQL strings.
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
      this.cache.set(sql, stmt);
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
