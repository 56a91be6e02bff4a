import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { describeEachStore } from '../helpers/postgres.js';
import { httpsRequest } from '../helpers/https.js';
import { createOneOfEach, type CreatedResource } from '../helpers/resource-samples.js';

const V = 'api-version=2021-04-01';
const SECRETS_OFFICER = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7';
const BLOB_CONTRIBUTOR = 'ba92f5b4-2d11-453d-a403-e96b0029c9fe';
/** A create answers 200, 201 or 202 depending on the type's REST spec; here only success matters. */
const assertCreated = (status: number) => assert.ok([200, 201, 202].includes(status), `create answered ${status}`);

/**
 * Deleting a resource group over ARM takes every resource of every type with it, data included
 * (vault secrets, blobs), and the role assignments made inside it; each removal is in the
 * activity log; and nothing comes back when a group, vault or account of the same name is made.
 */
await describeEachStore('resource group deletion over ARM: everything in it goes, and nothing comes back', (store) => {
  let t: TestServer;
  let created: CreatedResource[];
  const sub = () => t.creds.subscriptionId;
  const rg = () => `/subscriptions/${sub()}/resourceGroups/rg-doomed`;
  const byType = (type: string) => created.find((c) => c.type === type)!;
  const host = (name: string, plane: 'vault' | 'blob') =>
    `${name}.${plane}.openmi.localhost:${new URL(t.server.baseUrl).port}`;
  const data = async (method: string, hostName: string, path: string, audience: string, body?: string) =>
    httpsRequest(`${t.server.baseUrl}${path}`, {
      method,
      ca: t.ca,
      headers: {
        host: hostName,
        authorization: `Bearer ${await t.adminToken(audience)}`,
        'x-ms-version': '2021-12-02',
        'content-type': 'application/json',
        ...(path.includes('restype') ? {} : { 'x-ms-blob-type': 'BlockBlob' }),
      },
      ...(body !== undefined ? { body } : {}),
    });
  const assign = async (scope: string, role: string) => {
    const r = await t.arm(
      'PUT',
      `${scope}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
      {
        properties: {
          roleDefinitionId: `/subscriptions/${sub()}/providers/Microsoft.Authorization/roleDefinitions/${role}`,
          principalId: t.server.installation.adminObjectId,
        },
      },
    );
    assert.equal(r.status, 201, r.text);
    return r.json.id as string;
  };
  const vaultData = (method: string, path: string, body?: string) =>
    data(method, host(byType('Microsoft.KeyVault/vaults').name, 'vault'), path, 'https://vault.openmi.localhost', body);
  const blobData = (method: string, path: string, body?: string) =>
    data(
      method,
      host(byType('Microsoft.Storage/storageAccounts').name, 'blob'),
      path,
      'https://storage.azure.com',
      body,
    );

  before(async () => {
    t = await startTestServer(await store.options());
    await t.arm('PUT', `${rg()}?${V}`, { location: 'westeurope' });
    created = await createOneOfEach(t, 'rg-doomed', 'doom');
  });
  after(() => t?.stop());

  it('removes every resource with its secrets, blobs and role assignments, logging each removal', async () => {
    const vault = byType('Microsoft.KeyVault/vaults');
    const account = byType('Microsoft.Storage/storageAccounts');
    const onVault = await assign(vault.id, SECRETS_OFFICER);
    const onContainer = await assign(account.id, BLOB_CONTRIBUTOR);
    assert.equal((await vaultData('PUT', '/secrets/db-password?api-version=7.4', '{"value":"s3cret"}')).status, 200);
    assert.equal((await blobData('PUT', '/files?restype=container')).status, 201);
    assert.equal((await blobData('PUT', '/files/hello.txt', 'hello')).status, 201);
    const since = new Date(Date.now() - 60_000).toISOString();

    const del = await t.arm('DELETE', `${rg()}?${V}`);
    assert.ok(del.status === 200 || del.status === 202, del.text);
    assert.equal((await t.arm('GET', `${rg()}?${V}`)).status, 404);

    const filter = encodeURIComponent(`eventTimestamp ge '${since}' and resourceGroupName eq 'rg-doomed'`);
    const log = await t.arm(
      'GET',
      `/subscriptions/${sub()}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01&$filter=${filter}`,
    );
    assert.equal(log.status, 200, log.text);
    const logged = new Set(
      (log.json.value as { operationName: { value: string }; resourceId: string }[]).map((e) =>
        `${e.operationName.value} ${e.resourceId}`.toLowerCase(),
      ),
    );
    for (const c of created)
      assert.ok(logged.has(`${c.type}/delete ${c.id}`.toLowerCase()), `${c.type}: removal not in the activity log`);
    for (const ra of [onVault, onContainer])
      assert.ok(
        logged.has(`Microsoft.Authorization/roleAssignments/delete ${ra}`.toLowerCase()),
        `${ra}: removal not logged`,
      );
    assert.ok(logged.has(`Microsoft.Resources/subscriptions/resourceGroups/delete ${rg()}`.toLowerCase()));
  });

  it('deleting a vault or a storage account alone takes the role assignments made on it and below it', async () => {
    const rg2 = `/subscriptions/${sub()}/resourceGroups/rg-single`;
    await t.arm('PUT', `${rg2}?${V}`, { location: 'westeurope' });
    const vault = `${rg2}/providers/Microsoft.KeyVault/vaults/kv-single`;
    const account = `${rg2}/providers/Microsoft.Storage/storageAccounts/sasingle`;
    assertCreated(
      (await t.arm('PUT', `${vault}?api-version=2023-07-01`, { location: 'westeurope', properties: {} })).status,
    );
    assertCreated(
      (
        await t.arm('PUT', `${account}?api-version=2023-05-01`, {
          location: 'westeurope',
          sku: { name: 'Standard_LRS' },
          kind: 'StorageV2',
        })
      ).status,
    );
    const assignments = [
      await assign(vault, SECRETS_OFFICER),
      await assign(`${vault}/secrets/one`, SECRETS_OFFICER),
      await assign(account, BLOB_CONTRIBUTOR),
      await assign(`${account}/blobServices/default/containers/files`, BLOB_CONTRIBUTOR),
    ];
    const atGroup = await assign(rg2, BLOB_CONTRIBUTOR);
    for (const [id, v] of [
      [vault, '2023-07-01'],
      [account, '2023-05-01'],
    ])
      assert.equal((await t.arm('DELETE', `${id}?api-version=${v}`)).status, 200);
    for (const ra of assignments)
      assert.equal((await t.arm('GET', `${ra}?api-version=2022-04-01`)).status, 404, `${ra} survived`);
    assert.equal(
      (await t.arm('GET', `${atGroup}?api-version=2022-04-01`)).status,
      200,
      "the group-level assignment is not the resource's",
    );
  });

  it('a group, vault and account created again under the same names start empty', async () => {
    await t.arm('PUT', `${rg()}?${V}`, { location: 'westeurope' });
    assert.deepEqual((await t.arm('GET', `${rg()}/resources?${V}`)).json.value, []);
    for (const c of created)
      assert.equal((await t.arm('GET', `${c.id}?api-version=${c.apiVersion}`)).status, 404, `${c.type} came back`);
    const vault = byType('Microsoft.KeyVault/vaults');
    const account = byType('Microsoft.Storage/storageAccounts');
    assertCreated(
      (await t.arm('PUT', `${vault.id}?api-version=${vault.apiVersion}`, { location: 'westeurope', properties: {} }))
        .status,
    );
    assertCreated(
      (
        await t.arm('PUT', `${account.id}?api-version=${account.apiVersion}`, {
          location: 'westeurope',
          sku: { name: 'Standard_LRS' },
          kind: 'StorageV2',
        })
      ).status,
    );
    for (const scope of [vault.id, account.id]) {
      const ras = await t.arm(
        'GET',
        `${scope}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=atScope()`,
      );
      assert.deepEqual(
        (ras.json.value as { properties: { scope: string } }[]).filter(
          (ra) => ra.properties.scope.toLowerCase() === scope.toLowerCase(),
        ),
        [],
        `assignments on ${scope} came back`,
      );
    }
    // Without the old assignments the admin may not even look; with a fresh one the vault and account are empty.
    assert.equal((await vaultData('GET', '/secrets/db-password?api-version=7.4')).status, 403);
    await assign(vault.id, SECRETS_OFFICER);
    await assign(account.id, BLOB_CONTRIBUTOR);
    assert.equal((await vaultData('GET', '/secrets/db-password?api-version=7.4')).status, 404);
    assert.equal((await vaultData('GET', '/deletedsecrets/db-password?api-version=7.4')).status, 404);
    assert.equal((await blobData('GET', '/files/hello.txt')).status, 404);
  });
});
