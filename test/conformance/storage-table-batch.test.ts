import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { forEachStore } from '../helpers/postgres.js';
import { assignRole, blobSetup, runStorageClient } from './clients/storage-setup.js';

const CLIENT = './storage-table-batch-mi.client.js';
const TABLE_CONTRIBUTOR = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3';
const TABLE_READER = '76199698-9eea-4c19-bc75-cec21354c6b6';

await forEachStore((storeName, storeSpec) => {
  describe(`@azure/data-tables TableClient.submitTransaction under openmi run on ${storeName}`, () => {
    let t: TestServer;
    let s: Awaited<ReturnType<typeof blobSetup>>;
    before(async () => {
      const spec = await storeSpec();
      t = await startTestServer({ store: spec.spec, onStop: spec.drop });
      s = await blobSetup(t, 'rg-tbatch');
    });
    after(() => t.stop());
    const run = (args: object) => runStorageClient(t.dataDir, s.vmId, CLIENT, { url: s.tableUrl, ...args });

    it('applies a change set atomically, and names the failing operation', async () => {
      const ra = await assignRole(t, s.accountId, s.principalId, TABLE_CONTRIBUTOR);
      const ok = await run({ table: 'Batched' });
      assert.equal(ok['create'], 'ok', JSON.stringify(ok));
      assert.deepEqual(ok['batch'], { status: 202, sub: ['204 etag', '204 etag', '204 etag', '204 etag'] });
      assert.deepEqual(ok['afterBatch'], ['r1=1', 'r2=2', 'r3=3', 'r4=4']);
      assert.deepEqual(ok['rollback'], { error: 'EntityAlreadyExists', status: 409, index: '2' });
      assert.deepEqual(ok['afterRollback'], ['r1=1', 'r2=2', 'r3=3', 'r4=4'], 'nothing of the failed change set stays');
      assert.deepEqual(ok['stale'], { error: 'UpdateConditionNotSatisfied', status: 412, index: '1' });
      assert.deepEqual(ok['changes'], { status: 202, sub: ['204 etag', '204 etag', '204'] });
      assert.deepEqual(ok['afterChanges'], ['r1=1', 'r3=33+m', 'r4=40']);
      assert.deepEqual(ok['duplicate'], { error: 'InvalidDuplicateRow', status: 400, index: '1' });
      assert.deepEqual(ok['tooMany'], { error: 'InvalidInput', status: 400, index: '99' });
      assert.deepEqual(ok['partitions'], {
        status: 202,
        inner: '400',
        code: 'CommandsInBatchActOnDifferentPartitions',
      });
      assert.deepEqual(ok['afterAll'], ['r1=1', 'r3=33+m', 'r4=40']);
      assert.equal((await t.arm('DELETE', `${ra}?api-version=2022-04-01`)).status, 200);
    });

    it('Storage Table Data Reader cannot write through a change set', async () => {
      const ra = await assignRole(
        t,
        `${s.accountId}/tableServices/default/tables/Batched`,
        s.principalId,
        TABLE_READER,
      );
      const out = await run({ table: 'Batched', only: 'write' });
      assert.deepEqual(out['write'], { error: 'AuthorizationPermissionMismatch', status: 403, index: '0' });
      assert.equal((await t.arm('DELETE', `${ra}?api-version=2022-04-01`)).status, 200);
    });
  });
});
