import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { describeEachStore } from '../helpers/postgres.js';
import { runClient } from '../helpers/child.js';
import { runKeyedClient } from './clients/storage-setup.js';

const V = 'api-version=2023-05-01';
const ACCOUNT = { location: 'westeurope', sku: { name: 'Standard_LRS' }, kind: 'StorageV2' };

await describeEachStore('queueServices and tableServices of a storage account in ARM', (store) => {
  let t: TestServer;
  let rg: string;
  let name: string;
  let id: string;
  let endpoints: Record<string, string>;
  let key: string;
  before(async () => {
    t = await startTestServer(await store.options());
    rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-svc`;
    await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'westeurope' });
    name = `svc${Date.now().toString(36)}`;
    id = `${rg}/providers/Microsoft.Storage/storageAccounts/${name}`;
    const r = await t.arm('PUT', `${id}?${V}`, ACCOUNT);
    assert.equal(r.status, 200, r.text);
    endpoints = r.json.properties.primaryEndpoints;
    key = (await t.arm('POST', `${id}/listKeys?${V}`)).json.keys[0].value;
  });
  after(() => t.stop());

  it('@azure/arm-storage: service properties, queues and tables; ARM and the data planes share the rows', async () => {
    const made = await runKeyedClient(t, './storage-queue-mi.client.js', {
      url: endpoints['queue'],
      queue: 'dataq',
      account: name,
      key,
      only: 'create',
    });
    assert.equal(made['create'], 'ok', JSON.stringify(made));
    const env = {
      tenantId: t.creds.tenantId,
      clientId: t.creds.clientId,
      clientSecret: t.creds.clientSecret,
      authorityHost: t.server.baseUrl,
      armEndpoint: t.server.baseUrl,
      subscriptionId: t.creds.subscriptionId,
      rg: 'rg-svc',
      account: name,
    };
    const r = await runClient('storage-services-arm.client.js', [JSON.stringify(env)], {
      NODE_EXTRA_CA_CERTS: t.server.caCertPath,
    });
    assert.equal(r.code, 0, r.stderr);
    const o = JSON.parse(r.stdout);
    assert.equal((o.queueServiceSet as { corsRules: unknown[] }).corsRules.length, 1, JSON.stringify(o));
    assert.equal(o.queueServiceGet, 1);
    assert.deepEqual(o.queueCreate, { owner: 'sdk' });
    assert.deepEqual(o.queueGet, { owner: 'sdk' });
    assert.deepEqual(o.queueList, ['dataq', 'sdkq'], 'a queue made on the data plane is listed in ARM');
    assert.equal(o.queueDelete, 'ok');
    assert.equal(o.queueGone.status, 404);
    assert.deepEqual(o.tableServiceSet, ['https://app.example']);
    assert.equal(o.tableCreate, 'SdkTable');
    assert.equal(o.tableGet, 'SdkTable');
    assert.deepEqual(o.tableList, ['SdkTable']);
    assert.equal(o.tableDelete, 'ok');

    // A table made in ARM is the data plane's table.
    const armT = await t.arm('PUT', `${id}/tableServices/default/tables/ArmT?${V}`);
    assert.equal(armT.status, 200, armT.text);
    const read = await runKeyedClient(t, './storage-table-mi.client.js', {
      url: endpoints['table'],
      table: 'ArmT',
      account: name,
      key,
      only: 'read',
    });
    assert.deepEqual(read, { list: [], insert: 'ok', scopes: [] }, JSON.stringify(read));
    const q = await t.arm('GET', `${id}/queueServices/default/queues/dataq?${V}`);
    assert.equal(q.json.type, 'Microsoft.Storage/storageAccounts/queueServices/queues');
    assert.equal(q.json.id, `${id}/queueServices/default/queues/dataq`);
  });

  it('validation, the account body, api-version and cascade on account deletion', async () => {
    const bad = await t.arm('PUT', `${id}/queueServices/default/queues/Bad_Name?${V}`, {});
    assert.equal(bad.status, 400, bad.text);
    assert.equal(bad.json.error.code, 'InvalidResourceName');
    const rule = { allowedOrigins: ['*'], allowedMethods: ['GET'], maxAgeInSeconds: 1 };
    const many = { properties: { cors: { corsRules: Array(6).fill(rule) } } };
    assert.equal((await t.arm('PUT', `${id}/queueServices/default?${V}`, many)).status, 400);
    const verb = { properties: { cors: { corsRules: [{ ...rule, allowedMethods: ['FETCH'] }] } } };
    assert.equal((await t.arm('PUT', `${id}/tableServices/default?${V}`, verb)).status, 400);
    const noVersion = await t.arm('GET', `${id}/queueServices/default`);
    assert.equal(noVersion.status, 400, 'the api-version is required, as on the account');

    const set = await t.arm('PUT', `${id}/queueServices/default?${V}`, { properties: { cors: { corsRules: [rule] } } });
    assert.equal(set.status, 200, set.text);
    const acct = await t.arm('GET', `${id}?${V}`);
    assert.equal(acct.json.queueServiceProperties, undefined, 'the account does not show its services');
    assert.equal((await t.arm('PUT', `${id}?${V}`, ACCOUNT)).status, 200);
    const kept = await t.arm('GET', `${id}/queueServices/default?${V}`);
    assert.equal(kept.json.properties.cors.corsRules.length, 1, 'a PUT of the account keeps the service properties');
    const list = await t.arm('GET', `${id}/queueServices?${V}`);
    assert.deepEqual(
      list.json.value.map((s: { name: string }) => s.name),
      ['default'],
    );

    assert.equal((await t.arm('PUT', `${id}/queueServices/default/queues/goes?${V}`, {})).status, 200);
    assert.equal((await t.arm('PUT', `${id}/tableServices/default/tables/Goes?${V}`)).status, 200);
    assert.equal((await t.arm('DELETE', `${id}?${V}`)).status, 200);
    assert.equal((await t.arm('GET', `${id}/queueServices/default/queues/goes?${V}`)).status, 404);
    assert.equal((await t.arm('PUT', `${id}?${V}`, ACCOUNT)).status, 200);
    const queues = await t.arm('GET', `${id}/queueServices/default/queues?${V}`);
    assert.deepEqual(queues.json.value, [], 'the queues went with the account');
    const tables = await t.arm('GET', `${id}/tableServices/default/tables?${V}`);
    assert.deepEqual(tables.json.value, [], 'the tables went with the account');
    const svc = await t.arm('GET', `${id}/queueServices/default?${V}`);
    assert.deepEqual(svc.json.properties.cors.corsRules, [], 'and so did the service properties');
  });
});
