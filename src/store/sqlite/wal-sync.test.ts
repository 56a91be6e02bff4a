import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { openSqliteStore } from './sqlite-store.js';
import { WalSync } from './wal-sync.js';

/** A disk whose flushes finish only when the test says so. */
function heldDisk() {
  const flushes: { path: string; finish: () => void }[] = [];
  const datasync = (path: string) =>
    new Promise<boolean>((resolve) => flushes.push({ path, finish: () => resolve(true) }));
  return { flushes, datasync, close: () => undefined };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('WalSync', () => {
  it('never resolves a caller with a flush that started before its call; later callers share one flush', async () => {
    const disk = heldDisk();
    const wal = new WalSync('/x/db.sqlite-wal', disk);
    const done: string[] = [];
    const first = wal.sync().then(() => done.push('first'));
    await settle();
    const second = wal.sync().then(() => done.push('second'));
    const third = wal.sync().then(() => done.push('third'));
    assert.equal(disk.flushes.length, 1, 'one flush runs at a time');
    disk.flushes[0]!.finish(); // the WAL
    await settle();
    disk.flushes[1]!.finish(); // the directory, once
    await first;
    await settle();
    assert.deepEqual(done, ['first'], 'second and third committed after the first flush began');
    assert.equal(disk.flushes.length, 3, 'second and third share one new flush');
    assert.equal(disk.flushes[2]!.path, '/x/db.sqlite-wal');
    disk.flushes[2]!.finish();
    await Promise.all([second, third]);
    assert.deepEqual(done, ['first', 'second', 'third']);
    assert.equal(disk.flushes.length, 3, 'the directory is synced only the first time');
  });

  it('a failed flush rejects its callers, and the next caller gets a fresh flush', async () => {
    let fail = true;
    const wal = new WalSync('/x/db-wal', {
      datasync: async () => {
        if (fail) throw new Error('EIO');
        return true;
      },
      close: () => undefined,
    });
    await assert.rejects(wal.sync(), /EIO/);
    fail = false;
    await wal.sync();
  });
});

describe('SQLite store durability', () => {
  it('commits through the WAL, flushed before tx() resolves, and reads back after close', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openmi-wal-'));
    try {
      const path = join(dir, 'openmi.db');
      const store = await openSqliteStore(path);
      await store.migrate();
      await store.tx(async (tx) => tx.meta.setIfAbsent('wal-test', 'v'));
      assert.ok(existsSync(`${path}-wal`), 'the committed frames are in the WAL');
      await store.close();
      const db = new Database(path, { readonly: true });
      try {
        assert.equal(db.prepare("SELECT value FROM meta WHERE key = 'wal-test'").pluck().get(), 'v');
      } finally {
        db.close();
      }
      const real = new WalSync(join(dir, 'missing-wal'));
      await real.sync(); // no WAL yet: nothing to flush, not an error
      await real.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
