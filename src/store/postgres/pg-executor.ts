import type pg from 'pg';
import { invalid } from '../../kernel/errors.js';
import type { Executor } from '../sql/executor.js';

/** A pool (each call may use a different connection) or one checked-out client (a transaction). */
type Queryable = pg.Pool | pg.PoolClient;

/**
 * PostgreSQL text cannot hold NUL, and a parameter with one fails the statement (SQLite stores
 * it). Any caller can put one in a path segment or a form field, so refuse it here, for every
 * query, as the caller's mistake rather than a 500.
 */
function checked(params: readonly unknown[]): unknown[] {
  for (const p of params) {
    if (typeof p === 'string' && p.includes('\u0000')) throw invalid('A value in the request contains a NUL character (U+0000), which openmi does not accept. Remove it and retry.');
  }
  return [...params];
}

export function pgExecutor(q: Queryable): Executor {
  return {
    all: async <T>(sql: string, params: readonly unknown[] = []) => (await q.query(sql, checked(params))).rows as T[],
    get: async <T>(sql: string, params: readonly unknown[] = []) => (await q.query(sql, checked(params))).rows[0] as T | undefined,
    run: async (sql, params = []) => ({ changes: (await q.query(sql, checked(params))).rowCount ?? 0 }),
  };
}
