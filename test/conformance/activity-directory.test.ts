import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { forEachStore } from '../helpers/postgres.js';
import { cliFor } from '../helpers/cli-harness.js';

const VALUES = '/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01';

await forEachStore((storeName, storeSpec) => {
  describe(`directory events in the tenant-scoped activity log on ${storeName}`, () => {
    let t: TestServer;
    let groupId: string;
    let principalId: string;
    let admin: string;

    before(async () => {
      const spec = await storeSpec();
      t = await startTestServer({ store: spec.spec, onStop: spec.drop });
      const cli = cliFor(t);
      await cli.ok('group', 'create', '-n', 'rg-dir-activity', '-l', 'local');
      principalId = (await cli.json<any>('identity', 'create', '-g', 'rg-dir-activity', '-n', 'member')).properties
        .principalId;
      groupId = (await cli.json<any>('directory-group', 'create', '-n', 'auditors')).id;
      await cli.ok('directory-group', 'member', 'add', '-g', 'auditors', '--member-id', principalId);
      await cli.ok('directory-group', 'member', 'remove', '-g', 'auditors', '--member-id', principalId);
      admin = (await t.server.store.principals.getByAppId(t.creds.clientId))!.objectId;
    });
    after(() => t.stop());

    it('openmi activity list --directory shows who changed which group and which member, newest first', async () => {
      const events = await cliFor(t).json<any[]>('activity', 'list', '--directory');
      const mine = events
        .filter((e) => e.resourceId.includes(groupId))
        .map((e) => [e.operationName.value, e.caller, e.resourceId, e.subscriptionId]);
      const member = `/providers/Microsoft.Directory/groups/${groupId}/members/${principalId}`;
      assert.deepEqual(mine, [
        ['Microsoft.Directory/groups/members/delete', admin, member, ''],
        ['Microsoft.Directory/groups/members/write', admin, member, ''],
        ['Microsoft.Directory/groups/write', admin, `/providers/Microsoft.Directory/groups/${groupId}`, ''],
      ]);
      const detail = JSON.parse(events.find((e) => e.operationName.value.endsWith('members/delete')).properties.detail);
      assert.deepEqual(detail, { groupId, memberId: principalId, memberType: 'servicePrincipal' });
      assert.ok(!events.some((e) => e.resourceId.includes('/resourceGroups/')), 'subscription events stay out');
    });

    it('the subscription-scoped listing keeps its own events only; the tenant API filters like it', async () => {
      const sub = await cliFor(t).json<any[]>('activity', 'list');
      assert.ok(sub.some((e) => e.resourceId.includes('/resourceGroups/rg-dir-activity')));
      assert.ok(!sub.some((e) => e.resourceId.includes(groupId)));
      const filter = encodeURIComponent(
        `resourceUri eq '/providers/Microsoft.Directory/groups/${groupId}/members/${principalId}'`,
      );
      const r = await t.arm('GET', `${VALUES}&$filter=${filter}&$top=1`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.value.length, 1);
      assert.equal(r.json.value[0].operationName.value, 'Microsoft.Directory/groups/members/delete');
      assert.ok(r.json.nextLink, 'a second page holds the write');
    });
  });
});
