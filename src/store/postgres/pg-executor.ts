import type pg from 'pg';
import type { Executor } from '../sql/executor.js';

/** A pool (each call may use a different connection) or one checked-out client (a transaction). */
type Queryable = pg.Pool | pg.PoolClient;

/** NUL in text parameters is made storable before it gets here (sql/executor.ts textSafe, one rule for both engines). */
export function pgExecutor(q: Queryable): Executor {
  return {
    all: async <T>(sql: string, params: readonly unknown[] = []) => (await q.query(sql, [...params])).rows as T[],
    get: async <T>(sql: string, params: readonly unknown[] = []) =>
      (await q.query(sql, [...params])).rows[0] as T | undefined,
    run: async (sql, params = []) => ({ changes: (await q.query(sql, [...params])).rowCount ?? 0 }),
  };
}
