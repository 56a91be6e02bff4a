import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.js';
import { openStore } from '../../store/open-store.js';
import type { RoleAssignmentRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { BuiltinRoleIds } from '../rbac/builtin-roles.js';
import { RbacAuthorizer } from '../rbac/rbac-authorizer.js';
import { BuiltinAndCustomRoleCatalog } from '../rbac/role-catalog.js';
import { PermissionUsageRecorder } from './permission-usage.js';

const DAY = 86_400_000;
const SUB = `/subscriptions/${randomUUID()}`;
const RG = `${SUB}/resourceGroups/rg1`;
const READ_RG = 'Microsoft.Resources/subscriptions/resourceGroups/read';

function assignment(principalId: string, scope: string, roleGuid: string): RoleAssignmentRecord {
  const name = randomUUID();
  return {
    id: `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    scope,
    roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
    principalId,
    principalType: 'ServicePrincipal',
    description: null,
    createdBy: null,
    createdAt: 1,
    updatedAt: 1,
  };
}

const errors: unknown[] = [];
const log = { error: (o: unknown) => void errors.push(o) };

describe('PermissionUsageRecorder through RbacAuthorizer (real SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openmi-usage-'));
  let store: Store;
  before(async () => {
    store = await openStore({ kind: 'sqlite', path: join(dir, 'usage.db') });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('counts allowed checks per assignment, scope and UTC day, and never denied ones', async () => {
    const clock = new ManualClock(Date.UTC(2026, 2, 1, 23, 59));
    const recorder = new PermissionUsageRecorder(store, clock, log);
    const p = randomUUID();
    const ra = assignment(p, RG, BuiltinRoleIds.reader);
    await store.roleAssignments.create(ra);
    const authz = new RbacAuthorizer(store, new BuiltinAndCustomRoleCatalog(store), undefined, recorder);
    for (let i = 0; i < 3; i++) assert.equal((await authz.check(p, READ_RG, RG)).allowed, true);
    // Another spelling of the same scope and action: one row after the flush merges them.
    assert.equal((await authz.check(p, READ_RG.toUpperCase(), RG.toLowerCase())).allowed, true);
    assert.equal((await authz.check(p, 'Microsoft.Resources/subscriptions/resourceGroups/write', RG)).allowed, false);
    assert.equal((await authz.explain(p, READ_RG, RG)).allowed, true); // a what-if question: not usage
    clock.advance(2 * 60_000); // the next UTC day
    await authz.check(p, READ_RG, RG);
    await recorder.flush();
    const rows = await store.permissionUsage.list([p], 0);
    assert.deepEqual(
      rows.map((r) => [r.action.toLowerCase(), r.scope.toLowerCase(), r.assignmentId, r.count, r.lastAt]),
      [[READ_RG.toLowerCase(), RG.toLowerCase(), ra.id, 5, clock.now()]],
    );
    assert.equal((await store.permissionUsage.list([p], clock.now() - (clock.now() % DAY))).at(0)?.count, 1);
  });

  it('flushes early at its key bound and writes the rest on close', async () => {
    const clock = new ManualClock();
    const recorder = new PermissionUsageRecorder(store, clock, log, 10);
    const p = randomUUID();
    for (let i = 0; i < 25; i++) recorder.granted(p, `Microsoft.Test/op${i}/read`, 'action', RG, 'a1');
    recorder.granted(p, 'Microsoft.Test/op0/read', 'action', RG, 'a1');
    await recorder.close();
    const rows = await store.permissionUsage.list([p], 0);
    assert.equal(rows.length, 25);
    assert.equal(
      rows.reduce((n, r) => n + r.count, 0),
      26,
    );
  });

  it('keeps the counts of a failed flush for the next one', async () => {
    const clock = new ManualClock();
    let fail = true;
    const flaky = {
      permissionUsage: {
        ...store.permissionUsage,
        add: (d: Parameters<Store['permissionUsage']['add']>[0]) =>
          fail ? Promise.reject(new Error('store down')) : store.permissionUsage.add(d),
        list: store.permissionUsage.list.bind(store.permissionUsage),
        prune: store.permissionUsage.prune.bind(store.permissionUsage),
      },
    };
    const recorder = new PermissionUsageRecorder(flaky, clock, log);
    const p = randomUUID();
    recorder.granted(p, READ_RG, 'action', RG, 'a1');
    recorder.granted(p, READ_RG, 'action', RG, 'a1');
    await recorder.flush();
    assert.equal(errors.length, 1);
    fail = false;
    recorder.granted(p, READ_RG, 'action', RG, 'a1');
    await recorder.close();
    assert.equal((await store.permissionUsage.list([p], 0)).at(0)?.count, 3);
  });
});
