import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { forEachStore } from '../helpers/postgres.js';
import { assignRole, blobSetup, runStorageClient } from './clients/storage-setup.js';

const CLIENT = './storage-table-mi.client.js';
const TABLE_CONTRIBUTOR = '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3';
const TABLE_READER = '76199698-9eea-4c19-bc75-cec21354c6b6';
const mismatch = { error: 'AuthorizationPermissionMismatch', status: 403 };

await forEachStore((storeName, storeSpec) => {
  describe(`@azure/data-tables 13.3 TableClient + ManagedIdentityCredential under openmi run on ${storeName}`, () => {
    let t: TestServer;
    let s: Awaited<ReturnType<typeof blobSetup>>;
    before(async () => {
      const spec = await storeSpec();
      t = await startTestServer({ store: spec.spec, onStop: spec.drop });
      s = await blobSetup(t, 'rg-tmi');
    });
    after(() => t.stop());
    const run = (args: object) => runStorageClient(t.dataDir, s.vmId, CLIENT, { url: s.tableUrl, ...args });

    it('refused before Storage Table Data Contributor; entities, OData filters, paging and ETags with it', async () => {
      const denied = await run({ table: 'Orders' });
      assert.deepEqual(denied['create'], mismatch, JSON.stringify(denied));
      assert.deepEqual(denied['scopes'], ['https://storage.azure.com/.default']);

      const ra = await assignRole(t, s.accountId, s.principalId, TABLE_CONTRIBUTOR);
      const ok = await run({ table: 'Orders' });
      assert.equal(ok['create'], 'ok', JSON.stringify(ok));
      assert.equal(ok['insert'], 'EntityAlreadyExists');
      assert.deepEqual(ok['get'], ["o'neil", 5, '9007199254740993', '2026-01-02T03:04:05.000Z', true, 1.5, 'string']);
      assert.deepEqual(ok['filters'], {
        pkAndGt: ['p1/r2'],
        quote: ['p1/r1'],
        orNot: ['p1/r2', 'p2/r1'],
        date: ['p1/r1'],
        int64: ['p1/r1'],
        select: ["name=o'neil", 'name=beta', 'name=gamma'],
      });
      assert.deepEqual(ok['pages'], [2, 1]);
      assert.deepEqual(ok['etag'], {
        stale: '412 UpdateConditionNotSatisfied',
        merged: ['beta', 10, 'x'],
        after: ['p1/r1', 'p1/r2', 'p2/r1'],
      });
      assert.deepEqual(ok['tables'], ['Orders']);

      assert.equal((await t.arm('DELETE', `${ra}?api-version=2022-04-01`)).status, 200);
      const removed = await run({ table: 'Orders', only: 'read' });
      assert.deepEqual(removed['list'], mismatch, JSON.stringify(removed));
    });

    it('the account key (Shared Key Lite, from listKeys) works without any role', async () => {
      const keys = await t.arm('POST', `${s.accountId}/listKeys?api-version=2016-12-01`);
      assert.equal(keys.status, 200, keys.text);
      const account = s.accountId.split('/').pop();
      const args = { table: 'Keyed', account, key: keys.json.keys[1].value };
      const ok = await run(args);
      assert.equal(ok['create'], 'ok', JSON.stringify(ok));
      assert.equal(ok['insert'], 'EntityAlreadyExists');
      assert.deepEqual(ok['pages'], [2, 1]);
      const bad = await run({ ...args, key: Buffer.alloc(64, 1).toString('base64') });
      assert.deepEqual(bad['create'], { error: 'AuthenticationFailed', status: 403 });
    });

    it('Storage Table Data Reader reads entities and cannot write them', async () => {
      const ra = await assignRole(t, `${s.accountId}/tableServices/default/tables/Orders`, s.principalId, TABLE_READER);
      const out = await run({ table: 'Orders', only: 'read' });
      assert.deepEqual(out['list'], ['p1/r1', 'p1/r2', 'p2/r1'], JSON.stringify(out));
      assert.deepEqual(out['insert'], mismatch);
      assert.equal((await t.arm('DELETE', `${ra}?api-version=2022-04-01`)).status, 200);
    });
  });
});
