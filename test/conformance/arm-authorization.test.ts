import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runClient } from '../helpers/child.js';
import { forEachStore } from '../helpers/postgres.js';

const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

await forEachStore((storeName, storeSpec) => {
  describe(`@azure/arm-authorization 9.0.0 (unmodified, default api-versions) on ${storeName}`, () => {
    let t: TestServer;
    let uai: { id: string; principalId: string };
    before(async () => {
      const s = await storeSpec();
      t = await startTestServer({ store: s.spec, onStop: s.drop });
      const sub = t.creds.subscriptionId;
      await t.arm('PUT', `/subscriptions/${sub}/resourceGroups/rg-authz?api-version=2025-04-01`, {
        location: 'westeurope',
      });
      const r = await t.arm(
        'PUT',
        `/subscriptions/${sub}/resourceGroups/rg-authz/providers/Microsoft.ManagedIdentity/userAssignedIdentities/worker?api-version=2024-11-30`,
        { location: 'westeurope' },
      );
      assert.equal(r.status, 201, r.text);
      uai = { id: r.json.id, principalId: r.json.properties.principalId };
    });
    after(() => t.stop());

    it('reads role definitions, manages role assignments and a custom role', async () => {
      const env = {
        tenantId: t.creds.tenantId,
        clientId: t.creds.clientId,
        clientSecret: t.creds.clientSecret,
        authorityHost: t.server.baseUrl,
        armEndpoint: t.server.baseUrl,
        subscriptionId: t.creds.subscriptionId,
        rg: 'rg-authz',
        principalId: uai.principalId,
        uaiId: uai.id,
        uaiName: 'worker',
      };
      const r = await runClient('arm-authorization.client.js', [JSON.stringify(env)], {
        NODE_EXTRA_CA_CERTS: t.server.caCertPath,
      });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      const sub = `/subscriptions/${t.creds.subscriptionId}`;
      const readerId = `${sub}/providers/Microsoft.Authorization/roleDefinitions/${READER}`;
      assert.deepEqual(out.readers, [
        {
          id: readerId,
          name: READER,
          roleName: 'Reader',
          roleType: 'BuiltInRole',
          assignableScopes: ['/'],
          permissions: [{ actions: ['*/read'], notActions: [], dataActions: [], notDataActions: [] }],
        },
      ]);
      assert.equal(out.readerById, 'Reader');
      assert.equal(out.readerAtScope, readerId);

      const name = out.created.name;
      assert.deepEqual(out.created, {
        id: `${sub}/resourceGroups/rg-authz/providers/Microsoft.Authorization/roleAssignments/${name}`,
        name,
        scope: `${sub}/resourceGroups/rg-authz`,
        roleDefinitionId: readerId,
        principalId: uai.principalId,
        principalType: 'ServicePrincipal',
        createdOn: true,
      });
      assert.equal(out.got, uai.principalId);
      assert.equal(out.gotById, name);
      assert.equal(out.atScope.length, 2, 'the bootstrap Owner at / and the new one');
      assert.ok(out.atScope.includes(name));
      assert.deepEqual(out.forPrincipal, [name]);
      assert.ok(out.forSubscription.includes(name) && out.forResourceGroup.includes(name));
      assert.deepEqual(out.duplicate, { statusCode: 409, code: 'RoleAssignmentExists' });

      assert.equal(out.customCreated.roleType, 'CustomRole');
      assert.match(
        out.customCreated.id,
        new RegExp(`^${sub}/providers/Microsoft.Authorization/roleDefinitions/[0-9a-f-]{36}$`),
      );
      assert.equal(out.customUpdated, 'reads identities and their credentials');
      assert.deepEqual(out.customListed, [out.customCreated.id.split('/').pop()]);
      assert.deepEqual(out.customAssigned, { scope: uai.id, roleDefinitionId: out.customCreated.id });
      assert.equal(out.forResource.length, 3, 'inherited from /, the resource group, and on the identity');
      assert.deepEqual(out.deleteUsedRole, { statusCode: 400, code: 'RoleDefinitionHasAssignments' });
      assert.equal(out.denyAssignments, 0);

      assert.equal(out.deletedById, true);
      assert.equal(out.deleted, name);
      assert.deepEqual(out.deletedAgain, {});
      assert.equal(out.customDeleted, out.customCreated.roleName);
      assert.deepEqual(out.getDeleted, { statusCode: 404, code: 'RoleAssignmentNotFound' });
    });
  });
});
