import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  ArmWriter,
  NON_MUTATING_POSTS,
  WRITE_CASES,
  writeOperations,
} from '../../../../test/helpers/arm-write-cases.js';
import { forEachStore } from '../../../../test/helpers/postgres.js';
import { startTestServer, type TestServer } from '../../../../test/helpers/server.js';
import { parseActivity } from '../../audit/activity.js';
import { ArmSurface } from './arm-surface.js';
import type { ArmRoute } from './router.js';
import { eventData } from './routes/activity-log.js';

const ACTIVITY = '/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01';

/** The route table the server dispatches on. */
function routesOf(t: TestServer): readonly ArmRoute[] {
  const arm = t.server.surfaces.find((s): s is ArmSurface => s instanceof ArmSurface);
  assert.ok(arm, 'the server has an ARM surface');
  return arm.routes();
}

type Event = ReturnType<typeof eventData> & Record<string, any>;

/** The activity events of one request, as the activity log renders them (tenant-level ones included). */
async function eventsOf(t: TestServer, correlationId: string): Promise<Event[]> {
  const p = await t.server.store.audit.query(
    'activity',
    { eq: { correlation_key: correlationId.toLowerCase() } },
    1000,
  );
  return p.items.map((r) => eventData(parseActivity(r), t.creds.tenantId) as Event);
}

const sameId = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/**
 * Docs/audit.md promises that every control-plane write is in the activity log, committed with the
 * change. This performs each write the ARM route table declares, and fails as soon as a write route
 * is added without a case here (test/helpers/arm-write-cases.ts).
 */
await forEachStore((kind, storeSpec) => {
  describe(`every ARM write has its activity row (${kind})`, () => {
    let t: TestServer;
    let w: ArmWriter;
    let actions: Map<string, string>;

    before(async () => {
      const s = await storeSpec();
      t = await startTestServer({ store: s.spec, onStop: s.drop });
      actions = new Map(writeOperations(routesOf(t)).map((o) => [o.key, o.action]));
      w = new ArmWriter(t, routesOf(t), 'rg-writes');
      await w.ok('PUT', w.rg, { location: 'westeurope' });
    });
    after(() => t?.stop());

    it('has a case for exactly the writes of the route table', () => {
      assert.deepEqual(
        [...actions.keys()].sort(),
        Object.keys(WRITE_CASES).sort(),
        'add a case to test/helpers/arm-write-cases.ts for each new write route (or list a POST that changes nothing)',
      );
      const posts = routesOf(t).flatMap((r) => (r.methods.POST ? [`POST ${r.pattern}`] : []));
      assert.deepEqual(
        NON_MUTATING_POSTS.filter((p) => !posts.includes(p)),
        [],
        'non-mutating POSTs that are no longer routes',
      );
    });

    for (const [key, plan] of Object.entries(WRITE_CASES)) {
      it(key, async () => {
        const { method, path, body, resourceId: planned, resourceIdOf } = await plan(w);
        const res = await w.call(method, path, body);
        // 204: a storage queue or table deleted (Azure's only answer there).
        assert.ok([200, 201, 204].includes(res.status), `${res.status} ${res.text}`);
        const resourceId = resourceIdOf ? resourceIdOf(res) : planned;
        const correlationId = res.headers['x-ms-correlation-request-id'] as string;
        const action = actions.get(key);
        assert.ok(action, `${key} is not a write of the route table`);
        const mine = (e: Event) =>
          sameId(e.operationName.value, action) && sameId(e.resourceId, resourceId) && e.status.value === 'Succeeded';
        const events = await eventsOf(t, correlationId);
        const row = events.find(mine);
        assert.ok(
          row,
          `no activity row ${action} on ${resourceId}; the request logged ${JSON.stringify(events.map((e) => [e.operationName.value, e.resourceId]))}`,
        );
        assert.equal(row.caller, t.server.installation.adminObjectId);
        assert.equal(row.correlationId, correlationId);
        if (!resourceId.toLowerCase().startsWith('/subscriptions/')) return;
        // Subscription-scoped rows are listed by the activity-log API, found by correlation id.
        const filter = encodeURIComponent(`correlationId eq '${correlationId}'`);
        const listed = await t.arm('GET', `${w.sub}${ACTIVITY}&$filter=${filter}`);
        assert.equal(listed.status, 200, listed.text);
        assert.ok(
          (listed.json.value as Event[]).some(mine),
          `the activity-log API does not list ${action} on ${resourceId}`,
        );
      });
    }
  });
});
