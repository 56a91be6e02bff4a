import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { forEachStore } from '../helpers/postgres.js';
import { assignRole, blobSetup, runStorageClient } from './clients/storage-setup.js';

const CLIENT = './storage-queue-mi.client.js';
const QUEUE_CONTRIBUTOR = '974c5e8b-45b9-4653-ba55-5f855dd0fb88';
const QUEUE_SENDER = 'c6a89b2d-59bc-44d0-9896-0f6e12d7b80a';

await forEachStore((storeName, storeSpec) => {
  describe(`@azure/storage-queue 12.30 QueueServiceClient + ManagedIdentityCredential under openmi run on ${storeName}`, () => {
    let t: TestServer;
    let s: Awaited<ReturnType<typeof blobSetup>>;
    before(async () => {
      const spec = await storeSpec();
      t = await startTestServer({ store: spec.spec, onStop: spec.drop });
      s = await blobSetup(t, 'rg-qmi');
    });
    after(() => t.stop());

    it('refused before Storage Queue Data Contributor, a full queue round trip with it, refused again after removal', async () => {
      const run = (args: object) => runStorageClient(t.dataDir, s.vmId, CLIENT, { url: s.queueUrl, ...args });
      const denied = await run({ queue: 'orders' });
      const mismatch = { error: 'AuthorizationPermissionMismatch', status: 403 };
      assert.deepEqual(denied['create'], mismatch, JSON.stringify(denied));
      assert.deepEqual(denied['list'], mismatch);
      assert.deepEqual(denied['scopes'], ['https://storage.azure.com/.default']);

      const ra = await assignRole(t, s.accountId, s.principalId, QUEUE_CONTRIBUTOR);
      const ok = await run({ queue: 'orders' });
      assert.equal(ok['create'], 'ok', JSON.stringify(ok));
      assert.equal(ok['send'], 'ok');
      assert.deepEqual(ok['peek'], ['first <&> message', 'second']);
      assert.deepEqual(ok['receive'], {
        first: ['first <&> message', 1],
        hidden: ['second'],
        again: [['first, updated', 2]],
        updatedReceipt: true,
        staleDelete: 'PopReceiptMismatch',
        // 'second', received in `hidden` and not deleted, is still in the queue.
        left: 1,
      });
      assert.deepEqual(ok['metadata'], { purpose: 'test' });
      assert.deepEqual(ok['list'], ['orders']);
      assert.equal(ok['clear'], 0);
      assert.equal(ok['delete'], 'ok');
      assert.deepEqual(ok['missing'], { error: 'QueueNotFound', status: 404 });

      const del = await t.arm('DELETE', `${ra}?api-version=2022-04-01`);
      assert.equal(del.status, 200, del.text);
      const after = await run({ queue: 'orders', only: 'list' });
      assert.deepEqual(after['list'], mismatch, JSON.stringify(after));
    });

    it('the account key (Shared Key, from listKeys) does the same round trip without any role', async () => {
      const keys = await t.arm('POST', `${s.accountId}/listKeys?api-version=2016-12-01`);
      assert.equal(keys.status, 200, keys.text);
      const account = s.accountId.split('/').pop();
      const args = { url: s.queueUrl, queue: 'keyed', account, key: keys.json.keys[0].value };
      const ok = await runStorageClient(t.dataDir, s.vmId, CLIENT, args);
      assert.equal(ok['create'], 'ok', JSON.stringify(ok));
      assert.deepEqual(ok['peek'], ['first <&> message', 'second']);
      assert.equal(ok['delete'], 'ok');
      const bad = await runStorageClient(t.dataDir, s.vmId, CLIENT, {
        ...args,
        key: Buffer.alloc(64, 1).toString('base64'),
      });
      assert.deepEqual(bad['create'], { error: 'AuthenticationFailed', status: 403 });
    });

    it('Message Sender on one queue can send there and nothing else', async () => {
      const admin = await assignRole(t, s.accountId, s.principalId, QUEUE_CONTRIBUTOR);
      const made = await runStorageClient(t.dataDir, s.vmId, CLIENT, {
        url: s.queueUrl,
        queue: 'sendonly',
        only: 'create',
      });
      assert.equal(made['create'], 'ok', JSON.stringify(made));
      assert.equal((await t.arm('DELETE', `${admin}?api-version=2022-04-01`)).status, 200);
      await assignRole(t, `${s.accountId}/queueServices/default/queues/sendonly`, s.principalId, QUEUE_SENDER);
      const out = await runStorageClient(t.dataDir, s.vmId, CLIENT, { url: s.queueUrl, queue: 'sendonly' });
      assert.deepEqual(out['create'], { error: 'AuthorizationPermissionMismatch', status: 403 }, JSON.stringify(out));
      assert.equal(out['send'], 'ok');
      assert.deepEqual(out['peek'], { error: 'AuthorizationPermissionMismatch', status: 403 });
      assert.deepEqual(out['receive'], { error: 'AuthorizationPermissionMismatch', status: 403 });
    });
  });
});
