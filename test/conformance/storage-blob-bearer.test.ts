import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { forEachStore } from '../helpers/postgres.js';
import { assignContributor, blobSetup, runBlobClient } from './clients/storage-setup.js';

await forEachStore((storeName, storeSpec) => {
  describe(`@azure/storage-blob 12.32 BlobServiceClient + ManagedIdentityCredential under openmi run on ${storeName}`, () => {
    let t: TestServer;
    let s: Awaited<ReturnType<typeof blobSetup>>;
    before(async () => {
      const spec = await storeSpec();
      t = await startTestServer({ store: spec.spec, onStop: spec.drop });
      s = await blobSetup(t, 'rg-stmi');
    });
    after(() => t.stop());

    it('403 AuthorizationPermissionMismatch before any assignment; full blob round trip with Storage Blob Data Contributor', async () => {
      const denied = await runBlobClient(t.dataDir, s.vmId, { url: s.url, container: 'mic' });
      assert.deepEqual(
        denied['create'],
        { error: 'AuthorizationPermissionMismatch', status: 403 },
        JSON.stringify(denied),
      );
      assert.deepEqual(denied['upload'], { error: 'AuthorizationPermissionMismatch', status: 403 });
      assert.deepEqual(
        denied['scopes'],
        ['https://storage.azure.com/.default'],
        'the SDK asks for the storage resource scope',
      );
      await assignContributor(t, s.accountId, s.principalId);
      const ok = await runBlobClient(t.dataDir, s.vmId, { url: s.url, container: 'mic' });
      assert.equal(ok['create'], 'ok', JSON.stringify(ok));
      assert.equal(ok['upload'], 'ok');
      assert.equal(ok['download'], 'hello blob world');
      assert.deepEqual(ok['range'], { status: 206, body: 'blob' });
      const claims = JSON.parse(Buffer.from(String(ok['token']).split('.')[1]!, 'base64url').toString('utf8'));
      assert.equal(claims.aud, 'https://storage.azure.com');
      assert.equal(claims.oid, s.principalId);
    });
  });
});
