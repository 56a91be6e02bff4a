import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { describeEachStore } from '../helpers/postgres.js';
import { runKeyedClient } from './clients/storage-setup.js';

const client = (t: TestServer, args: object) => runKeyedClient(t, './storage-blob.client.js', args);

await describeEachStore('@azure/storage-blob 12.32 against the blob plane (SharedKey and SAS)', (store) => {
  let t: TestServer;
  let acct: string;
  let url: string;
  before(async () => {
    t = await startTestServer(await store.options());
    const sub = t.creds.subscriptionId;
    await t.arm('PUT', `/subscriptions/${sub}/resourceGroups/rg-st?api-version=2025-04-01`, { location: 'westeurope' });
    acct = `st${Date.now().toString(36)}`;
    acct = `/subscriptions/${sub}/resourceGroups/rg-st/providers/Microsoft.Storage/storageAccounts/${acct}`;
    const r = await t.arm('PUT', `${acct}?api-version=2023-05-01`, {
      location: 'westeurope',
      sku: { name: 'Standard_LRS' },
      kind: 'StorageV2',
    });
    assert.equal(r.status, 200, r.text);
    url = r.json.properties.primaryEndpoints.blob;
  });
  after(() => t.stop());

  it('listKeys + StorageSharedKeyCredential: create, upload, download (whole and ranged), list, delete', async () => {
    const keys = await t.arm('POST', `${acct}/listKeys?api-version=2016-12-01`);
    assert.equal(keys.status, 200, keys.text);
    const name = acct.split('/').pop()!;
    const out = await client(t, { url, account: name, key: keys.json.keys[1].value, container: 'skc' });
    assert.deepEqual(out, {
      create: 'ok',
      upload: 'ok',
      download: 'hello blob world',
      range: 'blob',
      list: ['dir/hello.txt'],
      delete: 'ok',
    });
    const wrong = await client(t, {
      url,
      account: name,
      key: Buffer.alloc(64, 1).toString('base64'),
      container: 'sk2c',
    });
    assert.equal((wrong['create'] as { error: string }).error, 'AuthenticationFailed');
  });

  it('a listServiceSas container SAS allows what it grants and nothing more; a tampered SAS is refused', async () => {
    const name = acct.split('/').pop()!;
    const keys = await t.arm('POST', `${acct}/listKeys?api-version=2016-12-01`);
    await client(t, { url, account: name, key: keys.json.keys[0].value, container: 'sasc' }); // creates the container
    const se = new Date(Date.now() + 3600_000).toISOString();
    const rw = await t.arm('POST', `${acct}/listServiceSas?api-version=2017-06-01`, {
      canonicalizedResource: `/blob/${name}/sasc`,
      signedResource: 'c',
      signedPermission: 'rwdl',
      signedExpiry: se,
      signedProtocol: 'https',
    });
    assert.equal(rw.status, 200, rw.text);
    const ok = await client(t, { url, account: name, sas: rw.json.serviceSasToken, container: 'sasc' });
    assert.equal(
      (ok['create'] as { error: string }).error,
      'AuthorizationFailure',
      'a service SAS cannot create containers',
    );
    assert.equal(ok['upload'], 'ok');
    assert.equal(ok['range'], 'blob');
    const r = await t.arm('POST', `${acct}/listServiceSas?api-version=2017-06-01`, {
      canonicalizedResource: `/blob/${name}/sasc`,
      signedResource: 'c',
      signedPermission: 'r',
      signedExpiry: se,
    });
    const ro = await client(t, { url, account: name, sas: r.json.serviceSasToken, container: 'sasc' });
    assert.equal((ro['upload'] as { error: string }).error, 'AuthorizationPermissionMismatch');
    const tampered = await client(t, {
      url,
      account: name,
      sas: r.json.serviceSasToken.replace('sp=r', 'sp=rw'),
      container: 'sasc',
    });
    // downloadToBuffer starts with a HEAD, whose error has no body: the status is what the SDK reports.
    assert.equal((tampered['download'] as { status: number }).status, 403);
    assert.equal((tampered['upload'] as { error: string }).error, 'AuthenticationFailed');
  });
});
