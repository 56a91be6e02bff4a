import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { clientSecret, principal, tenant } from './fixtures.js';
import { runStoreContract } from './store.contract.js';
import { changesContract } from './changes.contract.js';
import { sqliteMigrations } from '../../src/store/migrations/index.js';
import { openStore } from '../../src/store/open-store.js';
import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';

describe('SQLite store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openmi-store-'));
  let n = 0;
  const freshPath = (): string => join(dir, `store-${++n}.db`);
  after(() => rmSync(dir, { recursive: true, force: true }));

  runStoreContract('sqlite (temp file)', () => openStore({ kind: 'sqlite', path: freshPath() }));
  runStoreContract('sqlite (:memory:)', () => openStore({ kind: 'sqlite', path: ':memory:' }));
  // Two stores on one file happen only within one process (the data-dir lock keeps others out).
  changesContract(async () => {
    const path = freshPath();
    return [await openStore({ kind: 'sqlite', path }), await openStore({ kind: 'sqlite', path })];
  });

  describe('SQLite specifics', () => {
    it('uses WAL and keeps committed data across close and reopen', async () => {
      const path = freshPath();
      const t = tenant();
      const first = await openStore({ kind: 'sqlite', path });
      await first.tenants.create(t);
      await first.close();
      const raw = new Database(path, { readonly: true });
      try {
        assert.equal(raw.pragma('journal_mode', { simple: true }), 'wal');
      } finally {
        raw.close();
      }
      const second = await openStore({ kind: 'sqlite', path });
      try {
        assert.deepEqual(await second.tenants.get(t.id), t);
      } finally {
        await second.close();
      }
    });

    // The SQLite store remembers the client_credentials read (src/store/sql/credential-cache.ts).
    it('a write to credentials is seen by every store on the file, and by reads made while it runs', async () => {
      const path = freshPath();
      const a = await openStore({ kind: 'sqlite', path });
      const b = await openStore({ kind: 'sqlite', path });
      try {
        const p = principal();
        await a.principals.create(p);
        assert.deepEqual((await a.principals.getByAppIdWithSecrets(p.appId))?.secrets, []);
        const s = clientSecret(p.objectId);
        await b.clientSecrets.create(s);
        assert.deepEqual((await a.principals.getByAppIdWithSecrets(p.appId))?.secrets, [s]);
        // An autocommit delete runs at once and resolves after its fsync: a read in between must
        // not be answered from what was remembered before it.
        const deleting = a.principals.delete(p.objectId);
        assert.equal(await a.principals.getByAppIdWithSecrets(p.appId), undefined);
        assert.equal(await deleting, true);
        assert.equal(await b.principals.getByAppIdWithSecrets(p.appId), undefined);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('refuses a schema newer than this binary knows, naming both versions and the fix', async () => {
      const path = freshPath();
      await (await openStore({ kind: 'sqlite', path })).close();
      const newer = sqliteMigrations.length + 1;
      const raw = new Database(path);
      raw.prepare('INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)').run(newer, Date.now());
      raw.close();
      await assert.rejects(openStore({ kind: 'sqlite', path }), (e: Error) => {
        assert.match(
          e.message,
          new RegExp(
            `schema is at version ${newer}, but this openmi knows migrations up to version ${sqliteMigrations.length} only`,
          ),
        );
        assert.match(e.message, /Upgrade this binary/);
        return true;
      });
    });

    it('holds other callers back until an open tx finishes', async () => {
      const store = await openStore({ kind: 'sqlite', path: ':memory:' });
      try {
        let release!: () => void;
        const gate = new Promise<void>((resolve) => (release = resolve));
        const txDone = store.tx(async (tx) => {
          await tx.tenants.create(tenant());
          await gate;
        });
        await new Promise((resolve) => setImmediate(resolve));
        let outsideSettled = false;
        const outside = store.tenants.list().then(() => (outsideSettled = true));
        await new Promise((resolve) => setTimeout(resolve, 20));
        assert.equal(outsideSettled, false);
        release();
        await txDone;
        await outside;
        assert.equal(outsideSettled, true);
      } finally {
        await store.close();
      }
    });

    it('a store call from inside its own tx fails instead of deadlocking', async () => {
      const store = await openSqliteStore(':memory:', undefined, { reentryWaitMs: 200 });
      await store.migrate();
      try {
        const t = tenant();
        await assert.rejects(
          store.tx(async () => {
            await store.tenants.create(t);
          }),
          /inside its own tx/,
        );
        await assert.rejects(
          store.tx(() => store.tx(async () => 1)),
          /inside its own tx/,
        );
        assert.equal(await store.tenants.get(t.id), undefined);
      } finally {
        await store.close();
      }
    });

    it('two connections migrating one file at once apply each version exactly once', async () => {
      const path = freshPath();
      const a = await openSqliteStore(path);
      const b = await openSqliteStore(path);
      try {
        await Promise.all([a.migrate(), b.migrate()]);
        await b.tenants.create(tenant());
      } finally {
        await a.close();
        await b.close();
      }
      const raw = new Database(path, { readonly: true });
      try {
        const versions = raw.prepare('SELECT version FROM schema_migrations ORDER BY version').pluck().all();
        assert.deepEqual(
          versions,
          sqliteMigrations.map((m) => m.version),
        );
      } finally {
        raw.close();
      }
    });

    it('explains a path that cannot be opened', async () => {
      const path = join(dir, 'no-such-dir', 'x.db');
      await assert.rejects(
        openSqliteStore(path),
        (e: unknown) => e instanceof Error && e.message.includes(path) && /directory exists/.test(e.message),
      );
    });
  });
});
