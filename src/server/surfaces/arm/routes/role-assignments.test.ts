import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../../../../../test/helpers/server.js';

const V = 'api-version=2022-04-01';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const RA = 'providers/Microsoft.Authorization/roleAssignments';

describe('ARM Microsoft.Authorization/roleAssignments', () => {
  let t: TestServer;
  let sub: string;
  let rg: string;
  let uai: string;
  let principal: string;
  const roleId = (guid: string) => `${sub}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
  const body = (guid: string, principalId = principal, extra: Record<string, unknown> = {}) => ({
    properties: { roleDefinitionId: roleId(guid), principalId, ...extra },
  });
  const put = (scope: string, name: string, b: unknown, v = V) => t.arm('PUT', `${scope}/${RA}/${name}?${v}`, b);
  const expectError = async (
    p: Promise<{ status: number; json: { error: { code: string; message: string } } }>,
    status: number,
    code: string,
  ) => {
    const r = await p;
    assert.equal(r.status, status, JSON.stringify(r.json));
    assert.equal(r.json.error.code, code);
    assert.ok(r.json.error.message.length > 10, 'the message says what to do');
  };

  before(async () => {
    t = await startTestServer();
    sub = `/subscriptions/${t.creds.subscriptionId}`;
    rg = `${sub}/resourceGroups/rg-ra`;
    await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'local' });
    await t.arm('PUT', `${sub}/resourceGroups/rg-other?api-version=2025-04-01`, { location: 'local' });
    const id = await t.arm(
      'PUT',
      `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app?api-version=2024-11-30`,
      { location: 'local' },
    );
    uai = id.json.id;
    principal = id.json.properties.principalId;
  });
  after(() => t.stop());

  it('PUT creates (201) with the wire shape, re-PUT updates the description (200), GET and GET by id return it', async () => {
    const name = randomUUID();
    const created = await put(`/${rg}`, name, body(READER, principal, { principalType: 'ServicePrincipal' }));
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.id, `${rg}/${RA}/${name}`);
    assert.equal(created.json.name, name);
    assert.equal(created.json.type, 'Microsoft.Authorization/roleAssignments');
    const p = created.json.properties;
    assert.deepEqual(
      {
        roleDefinitionId: p.roleDefinitionId,
        principalId: p.principalId,
        principalType: p.principalType,
        scope: p.scope,
        createdBy: p.createdBy,
        updatedBy: p.updatedBy,
        condition: p.condition,
      },
      {
        roleDefinitionId: roleId(READER),
        principalId: principal,
        principalType: 'ServicePrincipal',
        scope: rg,
        createdBy: t.server.installation.adminObjectId,
        updatedBy: t.server.installation.adminObjectId,
        condition: null,
      },
    );
    assert.match(p.createdOn, /^\d{4}-\d{2}-\d{2}T/);
    const again = await put(rg, name, body(READER, principal, { description: 'reads the app' }));
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.properties.description, 'reads the app');
    const got = await t.arm('GET', `${rg.toUpperCase()}/${RA}/${name}?${V}`);
    assert.equal(got.status, 200);
    assert.equal(got.json.properties.description, 'reads the app');
    await t.arm('DELETE', `${rg}/${RA}/${name}?${V}`);
  });

  it('a tenant-level role id is accepted and echoed subscription-qualified; principalType defaults from the directory', async () => {
    const r = await put(rg, randomUUID(), {
      properties: {
        roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${CONTRIBUTOR.toUpperCase()}`,
        principalId: principal,
      },
    });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.properties.roleDefinitionId, roleId(CONTRIBUTOR));
    assert.equal(r.json.properties.principalType, 'ServicePrincipal');
    await t.arm('DELETE', `${r.json.id}?${V}`);
  });

  it('DELETE answers 200 with the object, then 204; GET then answers 404 RoleAssignmentNotFound', async () => {
    const name = randomUUID();
    await put(rg, name, body(READER));
    const del = await t.arm('DELETE', `/${rg}/${RA}/${name}?${V}`);
    assert.equal(del.status, 200);
    assert.equal(del.json.properties.principalId, principal);
    assert.equal((await t.arm('DELETE', `${rg}/${RA}/${name}?${V}`)).status, 204);
    await expectError(t.arm('GET', `${rg}/${RA}/${name}?${V}`), 404, 'RoleAssignmentNotFound');
  });

  it('refuses a name that is not a GUID (InvalidRoleAssignmentName)', async () => {
    await expectError(put(rg, 'not-a-guid', body(READER)), 400, 'InvalidRoleAssignmentName');
  });

  it('refuses a second assignment of the same principal, role and scope under another name (409 RoleAssignmentExists)', async () => {
    const first = randomUUID();
    assert.equal((await put(rg, first, body(READER))).status, 201);
    await expectError(put(rg.toLowerCase(), randomUUID(), body(READER)), 409, 'RoleAssignmentExists');
    await t.arm('DELETE', `${rg}/${RA}/${first}?${V}`);
  });

  it('refuses to change principal, role or scope of an existing name (RoleAssignmentUpdateNotPermitted)', async () => {
    const name = randomUUID();
    assert.equal((await put(rg, name, body(READER))).status, 201);
    await expectError(put(rg, name, body(CONTRIBUTOR)), 400, 'RoleAssignmentUpdateNotPermitted');
    await expectError(
      put(rg, name, body(READER, t.server.installation.adminObjectId)),
      400,
      'RoleAssignmentUpdateNotPermitted',
    );
    await expectError(put(sub, name, body(READER)), 400, 'RoleAssignmentUpdateNotPermitted');
    assert.equal((await t.arm('GET', `${rg}/${RA}/${name}?${V}`)).json.properties.roleDefinitionId, roleId(READER));
    await t.arm('DELETE', `${rg}/${RA}/${name}?${V}`);
  });

  it('refuses unknown principals (PrincipalNotFound) but never existing ones, and a mismatched principalType', async () => {
    await expectError(put(rg, randomUUID(), body(READER, randomUUID())), 400, 'PrincipalNotFound');
    const admin = await put(rg, randomUUID(), body(READER, t.server.installation.adminObjectId));
    assert.equal(admin.status, 201, 'the bootstrap admin is a principal too');
    await t.arm('DELETE', `${admin.json.id}?${V}`);
    await expectError(
      put(rg, randomUUID(), body(READER, principal, { principalType: 'User' })),
      400,
      'UnmatchedPrincipalType',
    );
    await expectError(
      put(rg, randomUUID(), body(READER, principal, { principalType: 'Robot' })),
      400,
      'InvalidPrincipalType',
    );
  });

  it('refuses unknown and malformed role definitions', async () => {
    await expectError(put(rg, randomUUID(), body(randomUUID())), 400, 'RoleDefinitionDoesNotExist');
    await expectError(
      put(rg, randomUUID(), { properties: { roleDefinitionId: 'Reader', principalId: principal } }),
      400,
      'InvalidRoleDefinitionId',
    );
    await expectError(put(rg, randomUUID(), { properties: { principalId: principal } }), 400, 'InvalidRequestContent');
    await expectError(
      put(rg, randomUUID(), { roleDefinitionId: roleId(READER), principalId: principal }),
      400,
      'InvalidRequestContent',
    );
  });

  it('refuses a custom role outside its assignable scopes', async () => {
    const guid = randomUUID();
    const role = await t.arm('PUT', `${sub}/providers/Microsoft.Authorization/roleDefinitions/${guid}?${V}`, {
      properties: {
        roleName: `only-rg-other-${guid}`,
        permissions: [{ actions: ['*/read'] }],
        assignableScopes: [`${sub}/resourceGroups/rg-other`],
      },
    });
    assert.equal(role.status, 201, role.text);
    await expectError(put(rg, randomUUID(), body(guid)), 400, 'InvalidRoleDefinitionId');
    const ok = await put(`${sub}/resourceGroups/rg-other`, randomUUID(), body(guid));
    assert.equal(ok.status, 201, ok.text);
    await t.arm('DELETE', `${ok.json.id}?${V}`);
  });

  it('the scope must exist: subscription, resource group, hosted resource; malformed scopes are refused', async () => {
    await expectError(put(`/subscriptions/${randomUUID()}`, randomUUID(), body(READER)), 404, 'SubscriptionNotFound');
    await expectError(put(`${sub}/resourceGroups/nope`, randomUUID(), body(READER)), 404, 'ResourceGroupNotFound');
    await expectError(
      put(`${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/nope`, randomUUID(), body(READER)),
      404,
      'ResourceNotFound',
    );
    await expectError(put(`${sub}/resourceGroups`, randomUUID(), body(READER)), 400, 'InvalidScope');
    await expectError(
      put('/providers/Microsoft.Management/managementGroups/mg1', randomUUID(), body(READER)),
      400,
      'InvalidScope',
    );
    const onUai = await put(uai, randomUUID(), body(READER));
    assert.equal(onUai.status, 201, onUai.text);
    assert.equal(onUai.json.properties.scope, uai);
    const container = `${rg}/providers/Microsoft.Storage/storageAccounts/acct/blobServices/default/containers/logs`;
    const onContainer = await put(container, randomUUID(), body(READER));
    assert.equal(onContainer.status, 201, 'types openmi does not host are accepted');
    for (const r of [onUai, onContainer]) await t.arm('DELETE', `${r.json.id}?${V}`);
  });

  it('accepts the older api-versions the Azure CLI and older SDKs send, and refuses unknown ones', async () => {
    const r = await put(rg, randomUUID(), body(READER), 'api-version=2020-04-01-preview');
    assert.equal(r.status, 201, r.text);
    assert.equal((await t.arm('GET', `${r.json.id}?api-version=2015-07-01`)).status, 200);
    await expectError(t.arm('GET', `${r.json.id}?api-version=2099-01-01`), 400, 'NoRegisteredProviderFound');
    await t.arm('DELETE', `${r.json.id}?${V}`);
  });

  it('denyAssignments lists nothing at any scope', async () => {
    const r = await t.arm('GET', `/${rg}/providers/Microsoft.Authorization/denyAssignments?${V}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, { value: [] });
  });
});
