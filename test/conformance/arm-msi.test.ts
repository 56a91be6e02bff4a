import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { runClient } from '../helpers/child.js';
import { forEachStore } from '../helpers/postgres.js';

await forEachStore((storeName, storeSpec) => {
  describe(`@azure/arm-msi 2.2.0 (unmodified, default api-version) on ${storeName}`, () => {
    let t: TestServer;
    let vmId: string;
    before(async () => {
      const s = await storeSpec();
      t = await startTestServer({ store: s.spec, onStop: s.drop });
      const sub = t.creds.subscriptionId;
      await t.arm('PUT', `/subscriptions/${sub}/resourceGroups/rg-ci?api-version=2025-04-01`, {
        location: 'westeurope',
      });
      const vm = await t.arm(
        'PUT',
        `/subscriptions/${sub}/resourceGroups/rg-ci/providers/Microsoft.Compute/virtualMachines/vm1?api-version=2024-07-01`,
        {
          location: 'westeurope',
          identity: { type: 'SystemAssigned' },
          properties: { hardwareProfile: { vmSize: 'Standard_B1s' } },
        },
      );
      assert.equal(vm.status, 201, vm.text);
      vmId = vm.json.id;
    });
    after(() => t.stop());

    it('performs identity, federated credential and system-assigned operations', async () => {
      const env = {
        tenantId: t.creds.tenantId,
        clientId: t.creds.clientId,
        clientSecret: t.creds.clientSecret,
        authorityHost: t.server.baseUrl,
        armEndpoint: t.server.baseUrl,
        subscriptionId: t.creds.subscriptionId,
        rg: 'rg-ci',
        vmId,
      };
      const r = await runClient('arm-msi.client.js', [JSON.stringify(env)], {
        NODE_EXTRA_CA_CERTS: t.server.caCertPath,
      });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.created.name, 'build-agent');
      assert.equal(out.created.location, 'westeurope');
      assert.equal(out.created.tenantId, t.creds.tenantId);
      assert.match(out.created.principalId, /^[0-9a-f-]{36}$/);
      for (const k of ['again', 'updated', 'got']) {
        assert.equal(out[k].principalId, out.created.principalId, `${k} keeps principalId`);
        assert.equal(out[k].clientId, out.created.clientId, `${k} keeps clientId`);
      }
      assert.deepEqual(out.again.tags, { team: 'infra' });
      assert.deepEqual(out.got.tags, { team: 'patched' });
      assert.deepEqual(out.byGroup.sort(), ['build-agent', 'extra-0', 'extra-1', 'extra-2']);
      assert.deepEqual(out.bySubscription.sort(), ['build-agent', 'extra-0', 'extra-1', 'extra-2']);
      assert.deepEqual(out.ficGot.audiences, ['api://AzureADTokenExchange']);
      assert.equal(out.ficList.length, 13, 'all pages of $top=5 followed');
      assert.equal(out.ficDuplicate.statusCode, 409);
      assert.match(out.ficDuplicate.message, /issuer/);
      assert.equal(out.ficAfterDelete, 12);
      assert.equal(out.system.name, 'default');
      assert.match(out.system.principalId, /^[0-9a-f-]{36}$/);
      assert.ok(out.operations.includes('Microsoft.ManagedIdentity/userAssignedIdentities/write'));
      assert.deepEqual(out.getDeleted, { statusCode: 404, code: 'ResourceNotFound' });
    });
  });
});
