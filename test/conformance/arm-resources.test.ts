import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { describeEachStore } from '../helpers/postgres.js';
import { runClient } from '../helpers/child.js';

await describeEachStore(
  '@azure/arm-resources ResourceManagementClient + ClientSecretCredential (unmodified)',
  (store) => {
    let t: TestServer;
    before(async () => {
      t = await startTestServer(await store.options());
    });
    after(() => t.stop());

    it('creates, gets, lists with paging and deletes resource groups, lists resources (resources.list*, getById) over HTTPS, trusting the CA via NODE_EXTRA_CA_CERTS only', async () => {
      const env = {
        tenantId: t.creds.tenantId,
        clientId: t.creds.clientId,
        clientSecret: t.creds.clientSecret,
        authorityHost: t.server.baseUrl,
        armEndpoint: t.server.baseUrl,
        subscriptionId: t.creds.subscriptionId,
      };
      const r = await runClient('arm-resources.client.js', [JSON.stringify(env)], {
        NODE_EXTRA_CA_CERTS: t.server.caCertPath,
      });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout);
      assert.equal(out.created.name, 'sdk-a');
      assert.equal(out.created.location, 'westeurope');
      assert.deepEqual(out.created.tags, { by: 'sdk' });
      assert.equal(out.got.id, `/subscriptions/${t.creds.subscriptionId}/resourceGroups/sdk-b`);
      assert.ok(out.pages.length >= 3, `expected several pages, got ${JSON.stringify(out.pages)}`);
      assert.ok(out.pages.every((p: string[]) => p.length <= 2));
      assert.deepEqual(out.pages.flat().sort(), ['sdk-a', 'sdk-b', 'sdk-c', 'sdk-d', 'sdk-e']);
      assert.deepEqual(out.resourcePages, [['id-x', 'id-y'], ['id-z']]);
      assert.deepEqual(out.inGroup, ['id-z:Succeeded:true']);
      assert.equal(out.byId, 'id-y');
      assert.equal(out.exists, true);
      assert.equal(out.existsAfterDelete, false);
      assert.deepEqual(out.getDeleted, { statusCode: 404, code: 'ResourceGroupNotFound' });
    });

    it('fails to connect when the CA is not trusted', async () => {
      const env = {
        tenantId: t.creds.tenantId,
        clientId: t.creds.clientId,
        clientSecret: t.creds.clientSecret,
        authorityHost: t.server.baseUrl,
        armEndpoint: t.server.baseUrl,
        subscriptionId: t.creds.subscriptionId,
      };
      const r = await runClient('arm-resources.client.js', [JSON.stringify(env)], {});
      assert.notEqual(r.code, 0);
    });
  },
);
