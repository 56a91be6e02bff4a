import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';

const KV_SECRETS_USER = '4633458b-17de-408a-b874-0445c86b69e6';
const GET_SECRET = 'Microsoft.KeyVault/vaults/secrets/getSecret/action';

describe('Graph groups: directory, members, nesting, and roles through groups', () => {
  let t: TestServer;
  let identity: any;
  let rg: string;
  const ref = (id: string) => ({ '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${id}` });
  const createGroup = async (displayName: string) => {
    const r = await t.arm('POST', '/v1.0/groups', {
      displayName,
      mailNickname: displayName,
      mailEnabled: false,
      securityEnabled: true,
    });
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  const check = async (principalId: string) =>
    (
      await t.arm('POST', `/providers/OpenMI.Authorization/checkAccess?api-version=2025-01-01`, {
        principalId,
        dataAction: GET_SECRET,
        scope: `${rg}/providers/Microsoft.KeyVault/vaults/v1`,
      })
    ).json;

  before(async () => {
    t = await startTestServer();
    rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-groups`;
    await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'local' });
    identity = (
      await t.arm(
        'PUT',
        `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/grouped?api-version=2024-11-30`,
        { location: 'local' },
      )
    ).json;
  });
  after(() => t.stop());

  it('creates, reads, filters, selects, pages, updates and deletes groups in Graph shape', async () => {
    const a = await createGroup('paging-a');
    await createGroup('paging-b');
    await createGroup('other');
    assert.equal(a['@odata.context'], 'https://graph.microsoft.com/v1.0/$metadata#groups/$entity');
    assert.equal(a.securityEnabled, true);
    const got = await t.arm('GET', `/v1.0/groups/${a.id}?$select=displayName`);
    assert.deepEqual(got.json, { '@odata.context': a['@odata.context'], displayName: 'paging-a' });
    const filter = encodeURIComponent("startswith(displayName,'paging')");
    const first = await t.arm('GET', `/v1.0/groups?$filter=${filter}&$top=1`);
    assert.deepEqual(
      first.json.value.map((g: any) => g.displayName),
      ['paging-a'],
    );
    const next = new URL(first.json['@odata.nextLink']);
    const second = await t.arm('GET', `${next.pathname}${next.search}`);
    assert.deepEqual(
      second.json.value.map((g: any) => g.displayName),
      ['paging-b'],
    );
    assert.equal(second.json['@odata.nextLink'], undefined);
    const az = encodeURIComponent("displayName eq 'other' and mailNickname eq 'other'");
    assert.equal((await t.arm('GET', `/v1.0/groups?$filter=${az}`)).json.value.length, 1);
    assert.equal((await t.arm('PATCH', `/v1.0/groups/${a.id}`, { description: 'd' })).status, 204);
    assert.equal((await t.arm('GET', `/v1.0/groups/${a.id}`)).json.description, 'd');
    assert.equal((await t.arm('DELETE', `/v1.0/groups/${a.id}`)).status, 204);
    const gone = await t.arm('GET', `/v1.0/groups/${a.id}`);
    assert.equal(gone.status, 404);
    assert.equal(gone.json.error.code, 'Request_ResourceNotFound');
    const bad = await t.arm('POST', '/v1.0/groups', { displayName: 'x', mailNickname: 'x', securityEnabled: false });
    assert.equal(bad.status, 400);
    assert.match(bad.json.error.message, /security groups only/);
  });

  it('adds and removes members, nests groups, refuses cycles and answers memberOf and checkMemberGroups', async () => {
    const outer = await createGroup('outer');
    const inner = await createGroup('inner');
    const sp = identity.properties.principalId;
    assert.equal((await t.arm('POST', `/v1.0/groups/${inner.id}/members/$ref`, ref(sp))).status, 204);
    assert.equal((await t.arm('POST', `/v1.0/groups/${outer.id}/members/$ref`, ref(inner.id))).status, 204);
    const twice = await t.arm('POST', `/v1.0/groups/${inner.id}/members/$ref`, ref(sp));
    assert.equal(twice.status, 400, twice.text);
    const cycle = await t.arm('POST', `/v1.0/groups/${inner.id}/members/$ref`, ref(outer.id));
    assert.equal(cycle.status, 400);
    assert.match(cycle.json.error.message, new RegExp(`cycle \\(${inner.id} → ${outer.id} → ${inner.id}`));
    const members = await t.arm('GET', `/v1.0/groups/${outer.id}/members`);
    assert.deepEqual(
      members.json.value.map((o: any) => [o['@odata.type'], o.id]),
      [['#microsoft.graph.group', inner.id]],
    );
    const transitive = await t.arm('GET', `/v1.0/groups/${outer.id}/transitiveMembers`);
    assert.deepEqual(
      transitive.json.value.map((o: any) => o.id),
      [inner.id, sp],
    );
    const direct = await t.arm('GET', `/v1.0/servicePrincipals/${sp}/memberOf`);
    assert.deepEqual(
      direct.json.value.map((o: any) => o.id),
      [inner.id],
    );
    const all = await t.arm('GET', `/v1.0/servicePrincipals/${sp}/transitiveMemberOf`);
    assert.deepEqual(
      all.json.value.map((o: any) => o.id),
      [inner.id, outer.id],
    );
    const checked = await t.arm('POST', `/v1.0/directoryObjects/${sp}/checkMemberGroups`, {
      groupIds: [outer.id, randomUUID()],
    });
    assert.deepEqual(checked.json.value, [outer.id]);
    assert.equal((await t.arm('DELETE', `/v1.0/groups/${inner.id}/members/${sp}/$ref`)).status, 204);
    assert.equal((await t.arm('DELETE', `/v1.0/groups/${inner.id}/members/${sp}/$ref`)).status, 404);
    assert.deepEqual((await t.arm('GET', `/v1.0/servicePrincipals/${sp}/memberOf`)).json.value, []);
  });

  it('grants a group’s role to its transitive members and names the path; removal denies at once', async () => {
    const holder = await createGroup('kv-readers');
    const team = await createGroup('team');
    const sp = identity.properties.principalId;
    const denied = await check(sp);
    assert.equal(denied.allowed, false);
    const ra = `${rg}/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}`;
    const put = await t.arm('PUT', `${ra}?api-version=2022-04-01`, {
      properties: {
        roleDefinitionId: `/subscriptions/${t.creds.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${KV_SECRETS_USER}`,
        principalId: holder.id,
        principalType: 'Group',
      },
    });
    assert.equal(put.status, 201, put.text);
    assert.equal(put.json.properties.principalType, 'Group');
    await t.arm('POST', `/v1.0/groups/${holder.id}/members/$ref`, ref(team.id));
    await t.arm('POST', `/v1.0/groups/${team.id}/members/$ref`, ref(sp));
    const allowed = await check(sp);
    assert.equal(allowed.allowed, true, allowed.reason);
    assert.match(
      allowed.reason,
      /to group 'kv-readers' \(.+\), of which the principal is a member through group 'team' \(.+\)$/,
    );
    assert.deepEqual(
      allowed.considered[0].via.map((g: any) => g.displayName),
      ['team', 'kv-readers'],
    );
    await t.arm('DELETE', `/v1.0/groups/${team.id}/members/${sp}/$ref`);
    assert.equal((await check(sp)).allowed, false);
    // Deleting the group takes its role assignment with it.
    assert.equal((await t.arm('DELETE', `/v1.0/groups/${holder.id}`)).status, 204);
    assert.equal((await t.arm('GET', `${ra}?api-version=2022-04-01`)).status, 404);
  });

  it('deleting an identity removes its memberships', async () => {
    const g = await createGroup('doomed-members');
    const id = `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/short-lived?api-version=2024-11-30`;
    const mi = (await t.arm('PUT', id, { location: 'local' })).json;
    await t.arm('POST', `/v1.0/groups/${g.id}/members/$ref`, ref(mi.properties.principalId));
    assert.equal((await t.arm('GET', `/v1.0/groups/${g.id}/members`)).json.value.length, 1);
    assert.equal((await t.arm('DELETE', id)).status, 200);
    assert.deepEqual((await t.arm('GET', `/v1.0/groups/${g.id}/members`)).json.value, []);
  });
});
