import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../../test/helpers/server.js';

const VM = 'api-version=2024-07-01';
const MSI = 'api-version=2024-11-30';
const PREVIEW = 'api-version=2022-01-31-preview';

describe('compute resources carrying identities (plain ARM)', () => {
  let t: TestServer;
  let rg: string;
  const vmPath = (n: string) => `${rg}/providers/Microsoft.Compute/virtualMachines/${n}?${VM}`;
  const uaiPath = (n: string) => `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${n}`;
  let uaiA: any;
  let uaiB: any;
  before(async () => {
    t = await startTestServer();
    rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-life`;
    await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'local' });
    uaiA = (await t.arm('PUT', `${uaiPath('uai-a')}?${MSI}`, { location: 'local' })).json;
    uaiB = (await t.arm('PUT', `${uaiPath('uai-b')}?${MSI}`, { location: 'local' })).json;
  });
  after(() => t.stop());

  const principalExists = async (oid: string) => (await t.server.store.principals.getByObjectId(oid)) !== undefined;

  it('enabling system-assigned creates identity and principal; deleting the resource removes both', async () => {
    const put = await t.arm('PUT', vmPath('vm-sys'), {
      location: 'local',
      identity: { type: 'SystemAssigned' },
      properties: { osProfile: { computerName: 'x' } },
    });
    assert.equal(put.status, 201, put.text);
    assert.equal(put.json.identity.type, 'SystemAssigned');
    assert.equal(put.json.identity.tenantId, t.creds.tenantId);
    assert.deepEqual(put.json.properties, { osProfile: { computerName: 'x' }, provisioningState: 'Succeeded' });
    const oid = put.json.identity.principalId;
    assert.ok(await principalExists(oid));
    const def = await t.arm(
      'GET',
      `/${rg.slice(1)}/providers/Microsoft.Compute/virtualMachines/vm-sys/providers/Microsoft.ManagedIdentity/identities/default?${MSI}`,
    );
    assert.equal(def.json.properties.principalId, oid);
    assert.equal((await t.arm('DELETE', vmPath('vm-sys'))).status, 200);
    assert.equal(await principalExists(oid), false);
  });

  it('attaches user-assigned identities as az vm identity assign does (GET then PATCH), merges, and null detaches', async () => {
    await t.arm('PUT', vmPath('vm-u'), { location: 'local' });
    const got = await t.arm('GET', vmPath('vm-u'));
    assert.equal(got.json.identity, undefined);
    const p1 = await t.arm('PATCH', vmPath('vm-u'), {
      identity: { type: 'UserAssigned', userAssignedIdentities: { [uaiA.id]: {} } },
    });
    assert.equal(p1.status, 200, p1.text);
    assert.equal(p1.json.identity.type, 'UserAssigned');
    assert.deepEqual(p1.json.identity.userAssignedIdentities[uaiA.id], {
      principalId: uaiA.properties.principalId,
      clientId: uaiA.properties.clientId,
    });
    const p2 = await t.arm('PATCH', vmPath('vm-u'), {
      identity: { type: 'SystemAssigned,UserAssigned', userAssignedIdentities: { [uaiB.id.toUpperCase()]: {} } },
    });
    assert.equal(
      p2.json.identity.type,
      'SystemAssigned, UserAssigned',
      'Compute spells the combined type with a space',
    );
    assert.equal(Object.keys(p2.json.identity.userAssignedIdentities).length, 2);
    const p3 = await t.arm('PATCH', vmPath('vm-u'), {
      identity: { type: 'SystemAssigned, UserAssigned', userAssignedIdentities: { [uaiA.id]: null } },
    });
    assert.deepEqual(
      Object.keys(p3.json.identity.userAssignedIdentities).map((k) => k.toLowerCase()),
      [uaiB.id.toLowerCase()],
    );
    const p4 = await t.arm('PATCH', vmPath('vm-u'), { identity: { type: 'None' } });
    assert.equal(p4.json.identity, undefined);
    assert.equal(
      await principalExists(p3.json.identity.principalId),
      false,
      'disabling system-assigned deletes its principal',
    );
  });

  it('a user-assigned identity on two resources survives deleting one and still lists the other', async () => {
    for (const n of ['web-1', 'web-2']) {
      const r = await t.arm('PUT', `${rg}/providers/Microsoft.Web/sites/${n}?api-version=2023-12-01`, {
        location: 'local',
        kind: 'app',
        identity: { type: 'UserAssigned', userAssignedIdentities: { [uaiA.id]: {} } },
      });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.kind, 'app');
    }
    const list = async () => (await t.arm('POST', `${uaiPath('uai-a')}/listAssociatedResources?${PREVIEW}`)).json;
    assert.equal((await list()).totalCount, 2);
    await t.arm('DELETE', `${rg}/providers/Microsoft.Web/sites/web-1?api-version=2023-12-01`);
    const after1 = await list();
    assert.deepEqual(
      after1.value.map((v: any) => v.name),
      ['web-2'],
    );
    assert.equal(after1.value[0].type, 'microsoft.web/sites');
    assert.equal((await t.arm('GET', `${uaiPath('uai-a')}?${MSI}`)).status, 200);
  });

  it('listAssociatedResources honours $filter, $orderby and paging', async () => {
    const id = (await t.arm('PUT', `${uaiPath('uai-many')}?${MSI}`, { location: 'local' })).json.id;
    for (const n of ['c-1', 'c-2', 'c-3', 'b-1', 'a-1']) {
      await t.arm('PUT', vmPath(n), {
        location: 'local',
        identity: { type: 'UserAssigned', userAssignedIdentities: { [id]: {} } },
      });
    }
    await t.arm('PUT', vmPath('unrelated'), { location: 'local' });
    const base = `${uaiPath('uai-many')}/listAssociatedResources?${PREVIEW}`;
    const f = await t.arm(
      'POST',
      `${base}&$filter=${encodeURIComponent("contains(name, 'c-') or name eq 'a-1'")}&$orderby=${encodeURIComponent('name desc')}`,
    );
    assert.equal(f.status, 200, f.text);
    assert.deepEqual(
      f.json.value.map((v: any) => v.name),
      ['c-3', 'c-2', 'c-1', 'a-1'],
    );
    const names: string[] = [];
    let page = (await t.arm('POST', `${base}&$top=2`)).json;
    assert.equal(page.totalCount, 5);
    names.push(...page.value.map((v: any) => v.name));
    while (page.nextLink) {
      const u = new URL(page.nextLink);
      page = (await t.arm('POST', u.pathname + u.search)).json;
      names.push(...page.value.map((v: any) => v.name));
    }
    assert.deepEqual(names, ['a-1', 'b-1', 'c-1', 'c-2', 'c-3']);
    const bad = await t.arm('POST', `${base}&$filter=${encodeURIComponent('size gt 3')}`);
    assert.equal(bad.status, 400);
  });

  it('deleting a user-assigned identity detaches it, drops its credentials and role assignments', async () => {
    const id = (await t.arm('PUT', `${uaiPath('uai-gone')}?${MSI}`, { location: 'local' })).json;
    await t.arm('PUT', vmPath('vm-g'), {
      location: 'local',
      identity: { type: 'UserAssigned', userAssignedIdentities: { [id.id]: {} } },
    });
    await t.arm('PUT', `${uaiPath('uai-gone')}/federatedIdentityCredentials/fic1?${MSI}`, {
      properties: { issuer: 'https://issuer.example', subject: 's', audiences: ['api://AzureADTokenExchange'] },
    });
    const now = Date.now();
    await t.server.store.roleAssignments.create({
      id: `${rg}/providers/Microsoft.Authorization/roleAssignments/11111111-2222-3333-4444-555555555555`,
      name: '11111111-2222-3333-4444-555555555555',
      scope: rg,
      roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7',
      principalId: id.properties.principalId,
      principalType: 'ServicePrincipal',
      description: null,
      createdBy: null,
      createdAt: now,
      updatedAt: now,
    });
    assert.equal((await t.arm('DELETE', `${uaiPath('uai-gone')}?${MSI}`)).status, 200);
    assert.equal((await t.arm('GET', vmPath('vm-g'))).json.identity, undefined);
    assert.deepEqual(await t.server.store.roleAssignments.listForPrincipal(id.properties.principalId), []);
    assert.equal(await principalExists(id.properties.principalId), false);
    assert.equal((await t.arm('DELETE', `${uaiPath('uai-gone')}?${MSI}`)).status, 204);
  });

  it('bad input gets an ARM error that says what to fix', async () => {
    const missing = `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/nope`;
    const cases: [string, string, unknown, number, string, RegExp][] = [
      [
        'PUT',
        vmPath('vm-bad'),
        { location: 'local', identity: { type: 'UserAssigned', userAssignedIdentities: { [missing]: {} } } },
        400,
        'FailedIdentityOperation',
        /nope.*does not exist/,
      ],
      [
        'PUT',
        vmPath('vm-bad'),
        { location: 'local', identity: { type: 'Sometimes' } },
        400,
        'InvalidIdentityType',
        /Sometimes/,
      ],
      [
        'PUT',
        vmPath('vm-bad'),
        { location: 'local', identity: { type: 'UserAssigned' } },
        400,
        'InvalidIdentityValues',
        /at least one/,
      ],
      ['PUT', `${uaiPath('x')}?${MSI}`, { location: 'local' }, 400, 'InvalidResourceName', /3-128/],
      [
        'PUT',
        `${uaiPath('uai-a')}/federatedIdentityCredentials/fic-1?${MSI}`,
        { properties: { issuer: 'http://insecure', subject: 's', audiences: ['a'] } },
        400,
        'BadRequest',
        /https/,
      ],
      [
        'PUT',
        `${uaiPath('uai-a')}/federatedIdentityCredentials/fic-2?${MSI}`,
        { properties: { issuer: 'https://i', subject: 's', audiences: [] } },
        400,
        'BadRequest',
        /exactly one audience/,
      ],
      [
        'PUT',
        `${rg}/providers/Microsoft.HybridCompute/machines/arc1?api-version=2024-07-10`,
        { location: 'local', identity: { type: 'UserAssigned', userAssignedIdentities: { [uaiA.id]: {} } } },
        400,
        'InvalidIdentityType',
        /only the SystemAssigned/,
      ],
      [
        'PUT',
        `${uaiPath('uai-a')}?${MSI}`,
        { location: 'eastus' },
        400,
        'InvalidResourceLocation',
        /cannot be changed/,
      ],
      ['PUT', vmPath('vm-bad'), '[1,2', 400, 'InvalidRequestContent', /JSON/],
    ];
    const noGroup = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-missing`;
    cases.push([
      'GET',
      `${noGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/any?${MSI}`,
      undefined,
      404,
      'ResourceGroupNotFound',
      /openmi group create/,
    ]);
    cases.push([
      'GET',
      `${noGroup}/providers/Microsoft.Compute/virtualMachines/any?${VM}`,
      undefined,
      404,
      'ResourceGroupNotFound',
      /rg-missing/,
    ]);
    cases.push([
      'GET',
      `${noGroup}/providers/Microsoft.KeyVault/vaults/any?api-version=2023-07-01`,
      undefined,
      404,
      'ResourceGroupNotFound',
      /rg-missing/,
    ]);
    cases.push([
      'GET',
      `${noGroup}/providers/Microsoft.Storage/storageAccounts/any?api-version=2023-05-01`,
      undefined,
      404,
      'ResourceGroupNotFound',
      /rg-missing/,
    ]);
    cases.push([
      'GET',
      `${rg}/providers/Microsoft.KeyVault/vaults/nope?api-version=2023-07-01`,
      undefined,
      404,
      'ResourceNotFound',
      /vaults\/nope/,
    ]);
    for (const [method, path, body, status, code, msg] of cases) {
      const r = await t.arm(method, path, body);
      assert.equal(r.status, status, `${path}: ${r.text}`);
      assert.equal(r.json.error.code, code, r.text);
      assert.match(r.json.error.message, msg);
    }
  });

  it('deleting the resource group deletes what is in it', async () => {
    const g = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-doomed`;
    await t.arm('PUT', `${g}?api-version=2025-04-01`, { location: 'local' });
    const i = (
      await t.arm('PUT', `${g}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/doomed?${MSI}`, {
        location: 'local',
      })
    ).json;
    const vm = (
      await t.arm('PUT', `${g}/providers/Microsoft.Compute/virtualMachines/v?${VM}`, {
        location: 'local',
        identity: { type: 'SystemAssigned' },
      })
    ).json;
    assert.equal((await t.arm('DELETE', `${g}?api-version=2025-04-01`)).status, 200);
    assert.equal(await principalExists(i.properties.principalId), false);
    assert.equal(await principalExists(vm.identity.principalId), false);
    assert.equal(await t.server.store.identities.get(i.id), undefined);
  });
});
