import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { startTestServer, type TestServer } from '../../../test/helpers/server.js';

describe('the last Owner at the root scope', () => {
  let t: TestServer;
  before(async () => {
    t = await startTestServer();
  });
  after(() => t.stop());

  it('cannot be deleted, and can once another principal holds Owner at /', async () => {
    const list = await t.arm(
      'GET',
      `/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=atScope()`,
    );
    const admin = list.json.value.find(
      (a: { properties: { principalId: string; scope: string } }) =>
        a.properties.principalId === t.server.installation.adminObjectId && a.properties.scope === '/',
    );
    assert.ok(admin, list.text);
    const refused = await t.arm('DELETE', `${admin.id}?api-version=2022-04-01`);
    assert.equal(refused.status, 400, refused.text);
    assert.equal(refused.json.error.code, 'LastRootOwner');
    assert.match(refused.json.error.message, /Assign Owner at \/ to another principal first/);
    const sub = t.creds.subscriptionId;
    const vm = await t
      .arm('PUT', `/subscriptions/${sub}/resourceGroups/rg?api-version=2025-04-01`, { location: 'local' })
      .then(() =>
        t.arm(
          'PUT',
          `/subscriptions/${sub}/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/ops?api-version=2024-07-01`,
          { location: 'local', identity: { type: 'SystemAssigned' } },
        ),
      );
    const second = await t.arm(
      'PUT',
      `/providers/Microsoft.Authorization/roleAssignments/${randomUUID()}?api-version=2022-04-01`,
      {
        properties: {
          roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
          principalId: vm.json.identity.principalId,
        },
      },
    );
    assert.equal(second.status, 201, second.text);
    assert.equal((await t.arm('DELETE', `${admin.id}?api-version=2022-04-01`)).status, 200);
  });
});
