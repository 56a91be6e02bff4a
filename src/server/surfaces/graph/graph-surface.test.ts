import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';

describe('Graph servicePrincipals (read-only)', () => {
  let t: TestServer;
  let identity: any;
  before(async () => {
    t = await startTestServer();
    const rg = `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-g`;
    await t.arm('PUT', `${rg}?api-version=2025-04-01`, { location: 'local' });
    identity = (
      await t.arm(
        'PUT',
        `${rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/graph-id?api-version=2024-11-30`,
        { location: 'local' },
      )
    ).json;
  });
  after(() => t.stop());

  it('resolves the principal behind an identity by object id and by appId', async () => {
    const byId = await t.arm('GET', `/v1.0/servicePrincipals/${identity.properties.principalId}`);
    assert.equal(byId.status, 200, byId.text);
    assert.equal(byId.json.appId, identity.properties.clientId);
    assert.equal(byId.json.servicePrincipalType, 'ManagedIdentity');
    assert.ok(byId.json.alternativeNames.includes(identity.id));
    const byApp = await t.arm(
      'GET',
      `/v1.0/servicePrincipals?$filter=${encodeURIComponent(`appId eq '${identity.properties.clientId}'`)}`,
    );
    assert.equal(byApp.json.value[0].id, identity.properties.principalId);
  });

  it('resolves by servicePrincipalNames and getByIds, as the Azure CLI does for --assignee and its own principal', async () => {
    const spn = await t.arm(
      'GET',
      `/v1.0/servicePrincipals?$filter=${encodeURIComponent(`servicePrincipalNames/any(c:c eq '${identity.properties.clientId}')`)}`,
    );
    assert.equal(spn.status, 200, spn.text);
    assert.equal(spn.json.value[0].id, identity.properties.principalId);
    const byIds = await t.arm('POST', '/v1.0/directoryObjects/getByIds', {
      ids: [identity.properties.principalId, '00000000-0000-0000-0000-000000000000'],
      types: ['user', 'group', 'servicePrincipal'],
    });
    assert.equal(byIds.status, 200, byIds.text);
    assert.deepEqual(
      byIds.json.value.map((o: any) => [o['@odata.type'], o.id]),
      [['#microsoft.graph.servicePrincipal', identity.properties.principalId]],
    );
    assert.equal((await t.arm('POST', '/v1.0/directoryObjects/getByIds', { ids: 'x' })).status, 400);
  });

  it('answers 404 and 400 in Graph shape', async () => {
    const missing = await t.arm('GET', '/v1.0/servicePrincipals/00000000-0000-0000-0000-000000000000');
    assert.equal(missing.status, 404);
    assert.equal(missing.json.error.code, 'Request_ResourceNotFound');
    const bad = await t.arm('GET', `/v1.0/servicePrincipals?$filter=${encodeURIComponent("displayName eq 'x'")}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.error.code, 'Request_UnsupportedQuery');
  });
});
