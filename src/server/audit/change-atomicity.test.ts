import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ArmWriter, WRITE_CASES } from '../../../test/helpers/arm-write-cases.js';
import { forEachStore } from '../../../test/helpers/postgres.js';
import { startTestServer, type TestServer } from '../../../test/helpers/server.js';
import { changedTables, snapshotStore } from '../../../test/helpers/store-snapshot.js';
import type { AuditRepo, Store, StoreRepos } from '../../store/store.js';
import { ArmSurface } from '../surfaces/arm/arm-surface.js';

/**
 * Makes every activity append inside a transaction of `store` fail, as a full disk or a lost
 * connection would between a change and its row; returns the undo. The server's services hold
 * this very store object, so they run into the failure.
 */
function failActivityAppends(store: Store): () => void {
  const tx = store.tx;
  const failing = (audit: AuditRepo): AuditRepo =>
    Object.assign(Object.create(audit) as AuditRepo, {
      append: async (log: Parameters<AuditRepo['append']>[0], entries: Parameters<AuditRepo['append']>[1]) => {
        if (log === 'activity') throw new Error('injected: the activity append failed');
        return audit.append(log, entries);
      },
    });
  store.tx = <T>(fn: (repos: StoreRepos) => Promise<T>) =>
    tx.call(store, (repos: StoreRepos) => fn({ ...repos, audit: failing(repos.audit) })) as Promise<T>;
  return () => {
    store.tx = tx;
  };
}

/**
 * A change and its activity row commit in one transaction (docs/audit.md), so there is no
 * "second half" that can fail on its own: when the row cannot be written, the change is rolled
 * back and the caller gets an error. Checked for every write of the ARM route table, on both
 * stores, by comparing every table before and after the failed request.
 */
await forEachStore((kind, storeSpec) => {
  describe(`a write whose activity row fails leaves no change (${kind})`, () => {
    let t: TestServer;
    let w: ArmWriter;
    let where: { dataDir: string } | { pgUrl: string };

    before(async () => {
      const s = await storeSpec();
      t = await startTestServer({ store: s.spec, onStop: s.drop });
      where = kind === 'sqlite' ? { dataDir: t.dataDir } : { pgUrl: s.spec };
      const arm = t.server.surfaces.find((x): x is ArmSurface => x instanceof ArmSurface)!;
      w = new ArmWriter(t, arm.routes(), 'rg-atomic');
      await w.ok('PUT', w.rg, { location: 'westeurope' });
    });
    after(() => t?.stop());

    for (const [key, plan] of Object.entries(WRITE_CASES)) {
      it(key, async () => {
        const { method, path, body } = await plan(w);
        const before = await snapshotStore(where);
        const undo = failActivityAppends(t.server.store);
        let res;
        try {
          res = await w.call(method, path, body);
        } finally {
          undo();
        }
        assert.equal(res.status, 500, res.text);
        assert.equal(res.json.error.code, 'InternalServerError');
        // permission_usage is flushed every 10 s by the usage recorder, from the setup's own
        // (successful) requests, whatever this one does (docs/audit.md, permission usage).
        const changed = changedTables(before, await snapshotStore(where)).filter((n) => n !== 'permission_usage');
        assert.deepEqual(changed, [], 'the failed write changed these tables');
      });
    }
  });
});
