import { closeSync, fsyncSync, openSync, renameSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { createPrivateFile } from '../../kernel/private-files.js';
import { sqliteMigrations } from '../migrations/index.js';
import { refuseNewerSchema } from '../migrations/migration.js';

/** Pages per backup step: all of them, so the copy is made inside one read transaction. */
const ALL_PAGES = 0x7fffffff;

/**
 * Copies the SQLite database at `dbPath` to `outPath` with SQLite's online backup API
 * (https://www.sqlite.org/backup.html), safe while a server is writing to it.
 *
 * Copying the file alone is not: in WAL mode committed rows live in openmi.db-wal until a
 * checkpoint moves them, so a copy of openmi.db misses them, and a copy made mid-checkpoint is
 * torn. This opens a second, read-only connection from this process: WAL mode is built for
 * readers in other processes of the same host (https://www.sqlite.org/wal.html), a reader never
 * blocks the server's writes, and it sees the database file plus the WAL as of its snapshot.
 * The whole copy is one step, so one read transaction: a consistent snapshot holding every row
 * committed before it began. (Several steps would restart whenever the server wrote between them.)
 * The file is written beside `outPath` and renamed into place, owner-only, once complete and checked.
 */
export async function backupSqlite(dbPath: string, outPath: string): Promise<{ pages: number }> {
  const source = new Database(dbPath, { readonly: true, fileMustExist: true });
  const tmp = `${outPath}.partial`;
  try {
    source.pragma('busy_timeout = 5000');
    rmSync(tmp, { force: true });
    createPrivateFile(tmp);
    const done = await source.backup(tmp, { progress: () => ALL_PAGES });
    checkSqliteFile(tmp);
    fsyncFile(tmp);
    renameSync(tmp, outPath);
    return { pages: done.totalPages };
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  } finally {
    source.close();
  }
}

/**
 * Refuses a file that is not a sound openmi SQLite database, or one made by a newer openmi
 * (whose schema this binary would not serve). Returns the schema version.
 */
export function checkSqliteFile(path: string): number {
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (e) {
    throw new Error(`${path} is not a readable SQLite database: ${(e as Error).message}`, { cause: e });
  }
  try {
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw new Error(`${path} is damaged (SQLite quick_check: ${String(check)})`);
    const table = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
    if (!table) throw new Error(`${path} is a SQLite database but not an openmi store (no schema_migrations table)`);
    const { v } = db.prepare('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations').get() as { v: number };
    refuseNewerSchema(Number(v), sqliteMigrations, 'SQLite');
    return Number(v);
  } catch (e) {
    if ((e as { code?: string }).code?.startsWith('SQLITE_'))
      throw new Error(`${path} is not a readable SQLite database: ${(e as Error).message}`, { cause: e });
    throw e;
  } finally {
    db.close();
  }
}

/**
 * Puts the backup at `inPath` in place as the database `dbPath`, which no process may have open
 * (the caller holds the data-dir lock). The WAL and shared-memory files of the database it replaces
 * are removed first: SQLite would otherwise replay the old WAL into the restored file.
 */
export async function restoreSqlite(inPath: string, dbPath: string): Promise<{ version: number }> {
  const version = checkSqliteFile(inPath);
  const tmp = `${dbPath}.restoring`;
  await backupSqlite(inPath, tmp);
  for (const suffix of ['-wal', '-shm', '-journal']) rmSync(`${dbPath}${suffix}`, { force: true });
  renameSync(tmp, dbPath);
  return { version };
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
