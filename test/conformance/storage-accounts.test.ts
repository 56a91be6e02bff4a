import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { describeEachStore } from '../helpers/postgres.js';

import { runKeyedClient } from './clients/storage-setup.js';

const V = 'api-version=2023-05-01';

/** The SharedKey/SAS client process, trusting openmi's CA and resolving *.openmi.localhost to loopback. */
const client = (t: TestServer, args: object) => runKeyedClient(t, './storage-blob.client.js', args);

const ALL_OK = {
  create: 'ok',
  upload: 'ok',
  download: 'hello blob world',
  range: 'blob',
  list: ['dir/hello.txt'],
  delete: 'ok',
};

await describeEachStore('storage accounts: account SAS, regenerateKey, and the activity log', (store) => {
  let t: TestServer;
  let id: string;
  let name: string;
  let url: string;
  const keys = async (): Promise<string[]> =>
    (await t.arm('POST', `${id}/listKeys?${V}`)).json.keys.map((k: { value: string }) => k.value);
  const accountSas = async (body: object): Promise<string> => {
    const r = await t.arm('POST', `${id}/ListAccountSas?${V}`, {
      signedExpiry: new Date(Date.now() + 3600_000).toISOString(),
      signedProtocol: 'https',
      ...body,
    });
    assert.equal(r.status, 200, r.text);
    return r.json.accountSasToken;
  };
  before(async () => {
    t = await startTestServer(await store.options());
    const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-stacct`;
    await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
    name = `sa${Date.now().toString(36)}`;
    id = `${rg}/providers/Microsoft.Storage/storageAccounts/${name}`;
    const r = await t.arm('PUT', `${id}?${V}`, {
      location: 'westeurope',
      sku: { name: 'Standard_LRS' },
      kind: 'StorageV2',
    });
    assert.equal(r.status, 200, r.text);
    url = r.json.properties.primaryEndpoints.blob;
  });
  after(() => t.stop());

  it('an account SAS (ss=b, srt=sco, sp=rwdlac) can create containers; a read-only or object-only one cannot', async () => {
    const full = await accountSas({ signedServices: 'b', signedResourceTypes: 'sco', signedPermission: 'rwdlac' });
    assert.deepEqual(await client(t, { url, account: name, sas: full, container: 'acctsas' }), ALL_OK);
    const ro = await client(t, {
      url,
      account: name,
      sas: await accountSas({ signedServices: 'b', signedResourceTypes: 'sco', signedPermission: 'rl' }),
      container: 'acctsas2',
    });
    assert.equal(ro['create'].error, 'AuthorizationPermissionMismatch', JSON.stringify(ro));
    assert.equal(ro['create'].status, 403);
    assert.equal(ro['upload'].status, 403);
    const objOnly = await client(t, {
      url,
      account: name,
      sas: await accountSas({ signedServices: 'b', signedResourceTypes: 'o', signedPermission: 'rwdlac' }),
      container: 'acctsas3',
    });
    assert.equal(objOnly['create'].status, 403, 'srt=o does not cover container operations');
    assert.equal(objOnly['create'].error, 'AuthorizationResourceTypeMismatch');
    const tampered = await client(t, {
      url,
      account: name,
      sas: full.replace('sp=rwdlac', 'sp=rwdlacup'),
      container: 'acctsas4',
    });
    assert.equal(tampered['create'].error, 'AuthenticationFailed');
  });

  it('regenerateKey: the old key (and SAS it signed) is refused at once; the other key keeps working', async () => {
    const [old1, old2] = await keys();
    const oldSas = await accountSas({
      signedServices: 'b',
      signedResourceTypes: 'sco',
      signedPermission: 'rwdlac',
      keyToSign: 'key1',
    });
    const r = await t.arm('POST', `${id}/regenerateKey?${V}`, { keyName: 'key1' });
    assert.equal(r.status, 200, r.text);
    const [new1, new2] = r.json.keys.map((k: { value: string }) => k.value);
    assert.notEqual(new1, old1);
    assert.equal(new2, old2);
    assert.deepEqual(await keys(), [new1, new2], 'listKeys agrees with the regenerate answer');
    assert.equal(
      (await client(t, { url, account: name, key: old1, container: 'regen1' }))['create'].error,
      'AuthenticationFailed',
    );
    assert.equal(
      (await client(t, { url, account: name, sas: oldSas, container: 'regen1' }))['create'].error,
      'AuthenticationFailed',
    );
    assert.deepEqual(await client(t, { url, account: name, key: new1, container: 'regen2' }), ALL_OK);
    assert.deepEqual(await client(t, { url, account: name, key: old2, container: 'regen3' }), ALL_OK);
    const bad = await t.arm('POST', `${id}/regenerateKey?${V}`, { keyName: 'key3' });
    assert.equal(bad.status, 400, bad.text);
  });

  it('records write, regeneratekey/action and delete in the activity log, without key values', async () => {
    assert.equal((await t.arm('PUT', `${id}?${V}`, { location: 'westeurope', tags: { env: 'test' } })).status, 200);
    const secrets = await keys();
    assert.equal((await t.arm('DELETE', `${id}?${V}`)).status, 200);
    assert.equal((await t.arm('DELETE', `${id}?${V}`)).status, 204);
    const log = await t.arm(
      'GET',
      `/subscriptions/${t.creds.subscriptionId}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01`,
    );
    assert.equal(log.status, 200, log.text);
    const mine = (log.json.value as any[])
      .filter((e) => e.resourceId.toLowerCase() === id.toLowerCase())
      .map((e) => `${e.operationName.value} ${e.status.value}`)
      .reverse();
    assert.deepEqual(mine, [
      'Microsoft.Storage/storageAccounts/write Succeeded',
      'Microsoft.Storage/storageAccounts/regeneratekey/action Succeeded',
      'Microsoft.Storage/storageAccounts/write Succeeded',
      'Microsoft.Storage/storageAccounts/delete Succeeded',
    ]);
    for (const k of secrets) assert.ok(!log.text.includes(k), 'no key value in the activity log');
  });
});
