import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { describeEachStore } from '../helpers/postgres.js';

import { runKeyedClient } from './clients/storage-setup.js';

const mismatch = { error: 'AuthorizationPermissionMismatch', status: 403 };
const authFailed = { error: 'AuthenticationFailed', status: 403 };

await describeEachStore('SAS made by the queue, table and Data Lake SDKs (docs/data-planes.md#sas)', (store) => {
  let t: TestServer;
  let account: { name: string; key: string; endpoints: Record<string, string> };
  before(async () => {
    t = await startTestServer(await store.options());
    const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-sas`;
    await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
    const name = `sas${Date.now().toString(36)}`;
    const id = `${rg}/providers/Microsoft.Storage/storageAccounts/${name}`;
    const r = await t.arm('PUT', `${id}?api-version=2023-05-01`, {
      location: 'westeurope',
      sku: { name: 'Standard_LRS' },
      kind: 'StorageV2',
      properties: { isHnsEnabled: true },
    });
    assert.equal(r.status, 200, r.text);
    const keys = await t.arm('POST', `${id}/listKeys?api-version=2023-05-01`);
    account = { name, key: keys.json.keys[0].value, endpoints: r.json.properties.primaryEndpoints };
  });
  after(() => t.stop());
  const run = (service: string) =>
    runKeyedClient(t, './storage-sas.client.js', {
      service,
      url: account.endpoints[service]!,
      account: account.name,
      key: account.key,
    });

  it('@azure/storage-queue: service SAS (ap) sends and processes, nothing else; account SAS by ss, srt and sp', async () => {
    const o = await run('queue');
    assert.equal(o['svcSend'], 'ok', JSON.stringify(o));
    assert.equal(o['svcReceive'], 'from the key');
    assert.deepEqual(o['svcPeek'], mismatch, 'peek needs r');
    assert.equal(o['svcCreate'].status, 403, 'a queue service SAS never creates queues');
    assert.deepEqual(o['svcOtherQueue'], authFailed, 'the SAS signs its queue');
    assert.deepEqual(o['svcExpired'], authFailed);
    assert.deepEqual(o['svcTampered'], authFailed);
    assert.equal(o['acctCreate'], 'ok');
    assert.deepEqual(o['acctList'], ['acctq', 'sasq']);
    assert.equal(o['acctPeek'], 1);
    assert.equal(o['acctDelete'], 'ok');
    assert.deepEqual(o['acctReadOnlyCreate'], mismatch);
    assert.deepEqual(o['acctBlobOnly'], { error: 'AuthorizationServiceMismatch', status: 403 });
  });

  it('@azure/data-tables: table SAS by permission and key range; account SAS for tables', async () => {
    const o = await run('table');
    assert.equal(o['svcInsert'], 'ok', JSON.stringify(o));
    assert.equal(o['svcInsert2'], 'ok');
    assert.equal(o['svcGet'], 1);
    assert.deepEqual(o['svcDelete'], mismatch);
    assert.deepEqual(o['svcUpdate'], mismatch);
    assert.equal(o['svcCreateTable'].status, 403, 'a table service SAS never creates tables');
    assert.deepEqual(o['rangeList'], ['p1/r1'], 'a query sees only the SAS key range');
    assert.equal(o['rangeInsertInside'], 'ok');
    assert.deepEqual(o['rangeInsertOutside'], { error: 'AuthorizationFailure', status: 403 });
    assert.deepEqual(o['rangeDeleteOutside'], { error: 'AuthorizationFailure', status: 403 });
    assert.deepEqual(o['svcExpired'], authFailed);
    assert.deepEqual(o['svcTampered'], authFailed);
    assert.equal(o['acctCreateTable'], 'ok');
    assert.deepEqual(o['acctList'], ['AcctT', 'SasT']);
    assert.equal(o['acctDeleteTable'], 'ok');
    assert.deepEqual(o['acctReadOnlyCreate'], mismatch, "generateAccountSas's default is rl");
  });

  it('@azure/storage-file-datalake: file system, directory (sr=d) and file SAS, and an account SAS', async () => {
    const o = await run('dfs');
    assert.deepEqual(o['fsList'], ['dir', 'dir/a.txt', 'elsewhere'], JSON.stringify(o));
    assert.equal(o['fsRead'], 'alpha');
    assert.deepEqual(o['fsWrite'], mismatch);
    assert.equal(o['dirWrite'], 'ok');
    assert.equal(o['dirRead'], 'gamma');
    assert.equal(o['dirOutside'].status, 403, 'a directory SAS covers only paths below it');
    assert.equal(o['fileRead'], 'alpha');
    assert.deepEqual(o['fileDelete'], mismatch);
    assert.deepEqual(o['fileTampered'], authFailed);
    assert.deepEqual(o['fileExpired'], authFailed);
    assert.equal(o['acctCreateFs'], 'ok');
    assert.equal(o['acctWrite'], 'ok');
    assert.deepEqual(o['acctReadOnlyWrite'], mismatch);
  });
});
