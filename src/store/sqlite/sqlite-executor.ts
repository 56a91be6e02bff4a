import type Database from 'better-sqlite3';
import type { Executor, SqlParams } from '../sql/executor.js';

type Bindings = Record<string, unknown> | unknown[];
type Statement = Database.Statement<[Bindings], unknown>;

/** A prepared statement and how its parameters are bound. */
interface Prepared {
  stmt: Statement;
  /** `$1, $2, … $n` each once and in order: bound as an array (see toSqlite). */
  positional: boolean;
}

/**
 * Runs `op` when the connection may be used: immediately for the transaction's own statements,
 * after any open transaction for everyone else.
 */
export type Gate = <T>(op: () => T) => Promise<T>;

/**
 * `$1` → `?1`, bound by name as {1: …, 2: …}: better-sqlite3 treats `?NNN` as named. SQLite looks
 * each name up by a linear scan (sqlite3_bind_parameter_index), so binding n names costs n²: a
 * 5,000-row audit INSERT of 75,000 parameters took seconds. Where the SQL uses `$1…$n` each once
 * and in order (every multi-row INSERT does), they become plain `?`, bound by position.
 */
function toSqlite(sql: string): { text: string; positional: boolean } {
  let expected = 1;
  let inOrder = true;
  const text = sql.replace(/\$(\d+)/g, (_m, n: string) => {
    if (Number(n) !== expected) inOrder = false;
    expected += 1;
    return `?${n}`;
  });
  return inOrder ? { text: sql.replace(/\$\d+/g, '?'), positional: true } : { text, positional: false };
}
const toBindings = (params: SqlParams): Record<string, unknown> =>
  Object.fromEntries(params.map((value, i) => [String(i + 1), value]));
const bind = (p: Prepared, params: SqlParams): Bindings => (p.positional ? [...params] : toBindings(params));

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
  private readonly cache = new Map<string, Prepared>();

  constructor(private readonly db: Database.Database) {}

  all<T>(sql: string, params: SqlParams = []): T[] {
    const p = this.prepare(sql);
    return p.stmt.all(bind(p, params)) as T[];
  }

  get<T>(sql: string, params: SqlParams = []): T | undefined {
    const p = this.prepare(sql);
    return p.stmt.get(bind(p, params)) as T | undefined;
  }

  run(sql: string, params: SqlParams = []): { changes: number } {
    const p = this.prepare(sql);
    return { changes: p.stmt.run(bind(p, params)).changes };
  }

  /** Unparameterised statements: transaction control and migrations. */
  exec(sql: string): void {
    this.db.exec(sql);
  }

  /** Whether the statement can change the database (better-sqlite3's `readonly` is SQLite's sqlite3_stmt_readonly). */
  writes(sql: string): boolean {
    return !this.prepare(sql).stmt.readonly;
  }

  get inTransaction(): boolean {
    return this.db.inTransaction;
  }

  private prepare(sql: string): Prepared {
    let p = this.cache.get(sql);
    if (p === undefined) {
      const { text, positional } = toSqlite(sql);
      p = { stmt: this.db.prepare<Bindings>(text), positional };
      if (sql.length <= MAX_CACHED_SQL_CHARS) this.cache.set(sql, p);
    }
    return p;
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
