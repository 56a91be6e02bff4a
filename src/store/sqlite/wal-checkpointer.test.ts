import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { BACKSTOP_PAGES, SQLITE_DEFAULT_AUTOCHECKPOINT, WalCheckpointer } from './wal-checkpointer.js';

/** A connection set up as the store's (WAL, synchronous NORMAL) with one table to fill. */
function serverConnection(path: string): Database.Database {
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('CREATE TABLE rows (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
  return db;
}

/** About `pages` 4 KiB pages of rows, committed in small transactions as the batch writer does. */
function write(db: Database.Database, pages: number): void {
  const insert = db.prepare('INSERT INTO rows (body) VALUES (?)');
  const body = 'x'.repeat(1000);
  for (let t = 0; t < pages; t++) db.transaction(() => [1, 2, 3, 4].forEach(() => insert.run(body)))();
}

async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('WAL checkpointer thread', () => {
  it('copies committed frames into the database file while the server connection never checkpoints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openmi-ckpt-'));
    const path = join(dir, 'openmi.db');
    const db = serverConnection(path);
    const c = new WalCheckpointer(db, path, { intervalMs: 20 });
    try {
      assert.equal(db.pragma('wal_autocheckpoint', { simple: true }), BACKSTOP_PAGES);
      const before = statSync(path).size;
      write(db, 1_500);
      // Reports of checkpoints made during the writes arrive first; two made after them follow.
      await new Promise((r) => setTimeout(r, 100));
      const after = c.checkpoints;
      // Well under the backstop: only the worker can have moved these rows into the file.
      await until('two checkpoints after the writes', () => c.checkpoints >= after + 2);
      assert.ok(statSync(path).size - before >= 1_500 * 4_000, `database file grew by ${statSync(path).size - before}`);
      // Caught up, the next write starts the WAL over instead of growing it.
      const walSize = statSync(`${path}-wal`).size;
      write(db, 50);
      assert.equal(statSync(`${path}-wal`).size, walSize, 'the WAL was reused from its start');
      await c.stop();
      db.close();
      assert.equal(existsSync(`${path}-wal`), false, 'the last connection to close removed the WAL');
      assert.equal(new Database(path, { readonly: true }).prepare('SELECT count(*) FROM rows').pluck().get(), 6_200);
    } finally {
      await c.stop();
      if (db.open) db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("gives the server connection SQLite's own trigger back if the worker dies", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openmi-ckpt-'));
    const path = join(dir, 'openmi.db');
    const db = serverConnection(path);
    const c = new WalCheckpointer(db, path, { intervalMs: 20 });
    try {
      await until('the first checkpoint', () => c.checkpoints >= 1);
      await c['worker'].terminate();
      await until(
        'the fallback',
        () => db.pragma('wal_autocheckpoint', { simple: true }) === SQLITE_DEFAULT_AUTOCHECKPOINT,
      );
    } finally {
      await c.stop();
      db.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
