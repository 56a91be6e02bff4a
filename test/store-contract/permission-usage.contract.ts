import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PermissionUsageDelta } from '../../src/store/permission-usage-repo.js';
import type { Store } from '../../src/store/store.js';
import { flipCase, mixedGuid, T0, useStore } from './fixtures.js';

const DAY = 86_400_000;
const SCOPE = '/subscriptions/Sub-1/resourceGroups/RG-1';

const delta = (principalId: string, o: Partial<PermissionUsageDelta> = {}): PermissionUsageDelta => ({
  principalId,
  kind: 'action',
  action: 'Microsoft.Resources/subscriptions/resourceGroups/read',
  scope: SCOPE,
  assignmentId: `${SCOPE}/providers/Microsoft.Authorization/roleAssignments/${mixedGuid()}`,
  day: T0,
  count: 1,
  lastAt: T0 + 5,
  ...o,
});

export function permissionUsageContract(newStore: () => Promise<Store>): void {
  describe('permissionUsage', () => {
    const store = useStore(newStore);
    const repo = () => store().permissionUsage;

    it('adds counts to a row case-insensitively and keeps the later last use', async () => {
      const p = mixedGuid();
      const first = delta(p, { count: 3, lastAt: T0 + 50 });
      await repo().add([first]);
      const again = {
        ...first,
        principalId: flipCase(p),
        action: flipCase(first.action),
        scope: flipCase(SCOPE),
        assignmentId: flipCase(first.assignmentId),
        count: 4,
        lastAt: T0 + 10,
      };
      await repo().add([again]);
      const { day: _day, ...shown } = { ...first, count: 7, lastAt: T0 + 50 };
      assert.deepEqual(await repo().list([flipCase(p)], T0), [shown]);
      await repo().add([{ ...first, count: 1, lastAt: T0 + 90 }]);
      assert.deepEqual(await repo().list([p], T0), [{ ...shown, count: 8, lastAt: T0 + 90 }]);
    });

    it('sums days from the one asked, keeps kinds, scopes and assignments apart, and counts above 2^32', async () => {
      const p = mixedGuid();
      const base = delta(p, { count: 2 ** 33 });
      const data = delta(p, {
        kind: 'dataAction',
        action: 'Microsoft.KeyVault/vaults/secrets/getSecret/action',
        assignmentId: base.assignmentId,
      });
      const otherScope = { ...base, scope: `${SCOPE}/providers/Microsoft.KeyVault/vaults/v1`, count: 1 };
      const old = { ...base, day: T0 - 2 * DAY, count: 100, lastAt: T0 - 2 * DAY };
      const later = { ...base, day: T0 + DAY, count: 5, lastAt: T0 + DAY + 1 };
      await repo().add([base, data, otherScope, old, later]);
      const rows = await repo().list([p, mixedGuid()], T0);
      assert.equal(rows.length, 3);
      const of = (kind: string, scope: string) => rows.find((r) => r.kind === kind && r.scope === scope);
      assert.equal(of('action', SCOPE)?.count, 2 ** 33 + 5);
      assert.equal(of('action', SCOPE)?.lastAt, T0 + DAY + 1);
      assert.equal(of('action', otherScope.scope)?.count, 1);
      assert.equal(of('dataAction', SCOPE)?.action, data.action);
      assert.equal((await repo().list([p], T0 - 3 * DAY)).find((r) => r.scope === SCOPE)?.count, 2 ** 33 + 105);
      assert.deepEqual(await repo().list([], T0), []);
    });

    it('writes a batch larger than one statement and prunes old days', async () => {
      const p = mixedGuid();
      const many = Array.from({ length: 250 }, (_, i) => delta(p, { action: `Microsoft.Test/things${i}/read` }));
      await repo().add([...many, delta(p, { day: T0 - 40 * DAY })]);
      assert.equal((await repo().list([p], 0)).length, 251);
      assert.ok((await repo().prune(T0 - 30 * DAY)) >= 1);
      assert.equal((await repo().list([p], 0)).length, 250);
    });

    it('counts concurrent upserts of the same rows exactly', async () => {
      const p = mixedGuid();
      const rows = Array.from({ length: 20 }, (_, i) => delta(p, { action: `Microsoft.Test/op${i}/read` }));
      await Promise.all(Array.from({ length: 8 }, () => repo().add(rows)));
      const listed = await repo().list([p], T0);
      assert.equal(listed.length, 20);
      assert.ok(listed.every((r) => r.count === 8));
    });
  });
}
