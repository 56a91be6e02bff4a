import { refuseNewerSchema, type Migration } from '../migrations/index.js';
import type { SqliteStatements } from './sqlite-executor.js';

/**
 * Applies missing migrations, each in its own IMMEDIATE transaction. The applied check is
 * repeated under the write lock so several processes sharing the file cannot apply one twice.
 */
export function migrateSqlite(db: SqliteStatements, migrations: readonly Migration[]): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT',
  );
  const newest = db.get('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations', []) as { v: number };
  refuseNewerSchema(Number(newest.v), migrations, 'SQLite');
  for (const m of migrations) {
    if (isApplied(db, m)) continue;
    db.exec('BEGIN IMMEDIATE');
    try {
      if (!isApplied(db, m)) apply(db, m);
      db.exec('COMMIT');
    } catch (e) {
      if (db.inTransaction) db.exec('ROLLBACK');
      throw new Error(`SQLite migration ${m.version} (${m.name}) failed: ${(e as Error).message}`, { cause: e });
    }
  }
}

const isApplied = (db: SqliteStatements, m: Migration): boolean =>
  db.get('SELECT 1 AS applied FROM schema_migrations WHERE version = $1', [m.version]) !== undefined;

function apply(db: SqliteStatements, m: Migration): void {
  db.exec(m.sql);
  db.run('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [m.version, Date.now()]);
}
