import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../../../../../test/helpers/server.js';
import type { Authorizer } from '../../../rbac/authorizer.js';
import type { ArmCall } from '../router.js';
import { scopesAccessCheck } from './authorization-wire.js';

const V = 'api-version=2022-04-01';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const RD = 'providers/Microsoft.Authorization/roleDefinitions';
const RA = 'providers/Microsoft.Authorization/roleAssignments';

describe('ARM Microsoft.Authorization/roleDefinitions', () => {
  let t: TestServer;
  let sub: string;
  let rg: string;
  let principal: string;
  const role = (
    name: string,
    scopes: string[],
    actions = ['Microsoft.ManagedIdentity/userAssignedIdentities/read'],
  ) => ({
    properties: {
      roleName: name,
      description: 'test role',
      type: 'CustomRole',
      permissions: [{ actions, notActions: [], dataActions: [], notDataActions: [] }],
      assignableScopes: scopes,
    },
  });
  const put = (guid: string, b: unknown, scope = sub) => t.arm('PUT', `${scope}/${RD}/${guid}?${V}`, b);
  const listNames = async (scope: string, filter?: string) => {
    const r = await t.arm('GET', `${scope}/${RD}?${V}${filter ? `&$filter=${encodeURIComponent(filter)}` : ''}`);
    assert.equal(r.status, 200, r.text);
    return (r.json.value as { properties: { roleName: string } }[]).map((d) => d.properties.roleName);
  };
  const expectError = async (
    p: Promise<{ status: number; json: { error: { code: string; message: string } } }>,
    status: number,
    code: string,
  ) => {
    const r = await p;
    assert.equal(r.status, status, JSON.stringify(r.json));
    assert.equal(r.json.error.code, code);
  };

  before(async () => {
    t = await startTestServer();
    sub = `/subscriptions/${t.creds.subscriptionId}`;
    rg = `${sub}/resourceGroups/rg-rd`;
    await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'local' });
    await t.arm('PUT', `${sub}/resourceGroups/rg-b?api-version=2025-04-01`, { location: 'local' });
    principal = (
      await t.arm(
        'PUT',
        `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app?api-version=2024-11-30`,
        { location: 'local' },
      )
    ).json.properties.principalId;
  });
  after(() => t.stop());

  it("lists built-ins with roleName eq 'Reader' (as arm-authorization sends it), ids under the scope's subscription", async () => {
    const r = await t.arm('GET', `/${rg}/${RD}?${V}&$filter=roleName%20eq%20%27Reader%27`);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.value.length, 1);
    const reader = r.json.value[0];
    assert.equal(reader.id, `${sub}/${RD}/${READER}`);
    assert.equal(reader.name, READER);
    assert.equal(reader.type, 'Microsoft.Authorization/roleDefinitions');
    assert.deepEqual(reader.properties.assignableScopes, ['/']);
    assert.equal(reader.properties.type, 'BuiltInRole');
    assert.deepEqual(reader.properties.permissions, [
      { actions: ['*/read'], notActions: [], dataActions: [], notDataActions: [] },
    ]);
    assert.deepEqual(await listNames(sub, "roleName eq 'reader'"), ['Reader']);
    assert.ok((await listNames(sub, "type eq 'BuiltInRole'")).includes('Owner'));
  });

  it('GET by id in the subscription and the tenant-level form; unknown ids are 404 RoleDefinitionDoesNotExist', async () => {
    const bySub = await t.arm('GET', `/${sub}/${RD}/${READER}?${V}`);
    assert.equal(bySub.status, 200);
    assert.equal(bySub.json.id, `${sub}/${RD}/${READER}`);
    const byTenant = await t.arm('GET', `/${RD}/${READER.toUpperCase()}?${V}`);
    assert.equal(byTenant.status, 200);
    assert.equal(byTenant.json.id, `/${RD}/${READER}`);
    await expectError(t.arm('GET', `${sub}/${RD}/${randomUUID()}?${V}`), 404, 'RoleDefinitionDoesNotExist');
  });

  it('PUT creates a custom role (201), re-PUT updates it (201 too, as in Azure); it is visible where its assignable scopes cover', async () => {
    const guid = randomUUID();
    const name = `Identity Reader ${guid}`;
    const created = await put(guid, role(name, [rg]));
    assert.equal(created.status, 201, created.text);
    assert.equal(created.json.id, `${sub}/${RD}/${guid}`);
    assert.equal(created.json.properties.type, 'CustomRole');
    assert.equal(created.json.properties.createdBy, t.server.installation.adminObjectId);
    assert.deepEqual(created.json.properties.assignableScopes, [rg]);
    const updated = await put(guid, role(name, [rg, `${sub}/resourceGroups/rg-b`], ['*/read']));
    assert.equal(updated.status, 201, updated.text);
    assert.equal(updated.json.properties.createdOn, created.json.properties.createdOn);
    assert.deepEqual(updated.json.properties.permissions[0].actions, ['*/read']);
    assert.ok((await listNames(`${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app`)).includes(name));
    assert.deepEqual(await listNames(sub, `roleName eq '${name}'`), []);
    assert.deepEqual(await listNames(sub, `roleName eq '${name}' and atScopeAndBelow()`), [name]);
    assert.ok((await listNames(rg, "type eq 'CustomRole'")).every((n) => !['Reader', 'Owner'].includes(n)));
    assert.equal((await t.arm('DELETE', `${sub}/${RD}/${guid}?${V}`)).status, 200);
  });

  it('validates the body: roleName, permissions, operations, assignable scopes, type, GUID name', async () => {
    const g = randomUUID();
    await expectError(
      put(g, { properties: { ...role('x', [rg]).properties, roleName: '' } }),
      400,
      'InvalidRequestContent',
    );
    await expectError(
      put(g, { properties: { ...role('x', [rg]).properties, permissions: [] } }),
      400,
      'InvalidRequestContent',
    );
    await expectError(put(g, role('x', [rg], ['Microsoft.Storage/ bad'])), 400, 'InvalidActionOrNotAction');
    await expectError(put(g, role('x', [])), 400, 'InvalidAssignableScopes');
    await expectError(put(g, role('x', ['/'])), 400, 'InvalidAssignableScopes');
    await expectError(put(g, role('x', [`${sub}/resourceGroups/missing`])), 400, 'InvalidAssignableScopes');
    await expectError(
      put(g, { properties: { ...role('x', [rg]).properties, type: 'BuiltInRole' } }),
      400,
      'InvalidRequestContent',
    );
    await expectError(put('not-a-guid', role('x', [rg])), 400, 'InvalidRoleDefinitionId');
    await expectError(put(g, role('x', [rg]), `${sub}/resourceGroups/missing`), 404, 'ResourceGroupNotFound');
    assert.equal((await t.arm('GET', `${sub}/${RD}/${g}?${V}`)).status, 404, 'nothing was created');
  });

  it('built-ins are immutable; role names are unique among built-ins and custom roles (409)', async () => {
    await expectError(put(READER, role('Reader', [sub])), 400, 'CannotModifyBuiltInRole');
    await expectError(t.arm('DELETE', `${sub}/${RD}/${READER}?${V}`), 400, 'CannotModifyBuiltInRole');
    await expectError(put(randomUUID(), role('reader', [sub])), 409, 'RoleDefinitionWithSameNameExists');
    const first = randomUUID();
    assert.equal((await put(first, role(`Dup ${first}`, [sub]))).status, 201);
    await expectError(put(randomUUID(), role(`DUP ${first}`, [sub])), 409, 'RoleDefinitionWithSameNameExists');
    await t.arm('DELETE', `${sub}/${RD}/${first}?${V}`);
  });

  it('refuses to delete (or narrow) a role still assigned (RoleDefinitionHasAssignments); DELETE is 200 then 204', async () => {
    const guid = randomUUID();
    assert.equal((await put(guid, role(`In use ${guid}`, [sub]))).status, 201);
    const ra = await t.arm('PUT', `${rg}/${RA}/${randomUUID()}?${V}`, {
      properties: { roleDefinitionId: `${sub}/${RD}/${guid}`, principalId: principal },
    });
    assert.equal(ra.status, 201, ra.text);
    await expectError(t.arm('DELETE', `${sub}/${RD}/${guid}?${V}`), 400, 'RoleDefinitionHasAssignments');
    await expectError(
      put(guid, role(`In use ${guid}`, [`${sub}/resourceGroups/rg-b`])),
      400,
      'RoleDefinitionHasAssignments',
    );
    assert.equal(
      (await put(guid, role(`In use ${guid}`, [rg]))).status,
      201,
      'narrowing to a scope that still covers the assignment is fine',
    );
    await t.arm('DELETE', `${ra.json.id}?${V}`);
    const del = await t.arm('DELETE', `${sub}/${RD}/${guid}?${V}`);
    assert.equal(del.status, 200);
    assert.equal(del.json.properties.roleName, `In use ${guid}`);
    assert.equal((await t.arm('DELETE', `${sub}/${RD}/${guid}?${V}`)).status, 204);
  });

  it('accepts 2018-01-01-preview (Azure CLI 2.45) and 2015-07-01', async () => {
    for (const v of ['2018-01-01-preview', '2015-07-01']) {
      const r = await t.arm(
        'GET',
        `${sub}/${RD}?api-version=${v}&$filter=${encodeURIComponent("roleName eq 'Owner'")}`,
      );
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.value[0].properties.roleName, 'Owner');
    }
  });
});

describe('scopesAccessCheck', () => {
  const caller = { objectId: 'oid-1', appId: 'app-1' };
  const call = {
    caller,
    ctx: { method: 'PUT', path: '/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/g' },
  } as unknown as ArmCall;
  const allowOnly = (allowed: string): Authorizer => ({
    check: async (_p, _a, scope) => ({ allowed: scope === allowed, reason: `only ${allowed}` }),
  });

  it('passes when every scope is allowed, and names the first refused scope with LinkedAuthorizationFailed', async () => {
    const asked: string[] = [];
    const recording: Authorizer = {
      check: async (_p, action, scope) => (asked.push(`${action}@${scope}`), { allowed: true, reason: '' }),
    };
    await scopesAccessCheck(recording, call)('A/write', ['/s1', '/s1', '/s2']);
    assert.deepEqual(asked, ['A/write@/s1', 'A/write@/s2']);
    await assert.rejects(
      scopesAccessCheck(allowOnly('/s1'), call)('A/write', ['/s1', '/s2']),
      (e: { status: number; code: string; message: string }) => {
        assert.equal(e.status, 403);
        assert.equal(e.code, 'LinkedAuthorizationFailed');
        assert.match(e.message, /'A\/write' on the linked scope\(s\) '\/s2'/);
        return true;
      },
    );
  });
});
