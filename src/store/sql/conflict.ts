import { conflict } from '../../kernel/errors.js';
import type { Executor, SqlParams } from './executor.js';

const SQLITE_UNIQUE_CODES = new Set(['SQLITE_CONSTRAINT_PRIMARYKEY', 'SQLITE_CONSTRAINT_UNIQUE']);
const PG_UNIQUE_VIOLATION = '23505';

/** True for a duplicate-key error from either driver. */
export function isUniqueViolation(e: unknown): boolean {
  if (typeof e !== 'object' || e === null || !('code' in e)) return false;
  const code = (e as { code: unknown }).code;
  return code === PG_UNIQUE_VIOLATION || (typeof code === 'string' && SQLITE_UNIQUE_CODES.has(code));
}

/**
 * Runs an `INSERT … ON CONFLICT DO NOTHING` and turns "nothing inserted" into `conflict`.
 * DO NOTHING rather than letting the insert fail because a failed statement aborts the whole
 * PostgreSQL transaction, while on SQLite it does not: a caller that catches the conflict
 * inside tx(fn) and carries on must see the same behaviour on both engines. The error-code
 * check covers any duplicate that DO NOTHING does not absorb.
 */
export async function insertOrConflict(
  db: Executor,
  sql: string,
  params: SqlParams,
  what: string,
  target: string,
): Promise<void> {
  let changes: number;
  try {
    ({ changes } = await db.run(sql, params));
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(`${what} already exists`, { target });
    throw e;
  }
  if (changes === 0) throw conflict(`${what} already exists`, { target });
}
