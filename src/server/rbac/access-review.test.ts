import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.js';
import { isDomainError } from '../../kernel/errors.js';
import { openStore } from '../../store/open-store.js';
import type { RoleAssignmentRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { BuiltinRoleIds } from './builtin-roles.js';
import { RbacAuthorizer } from './rbac-authorizer.js';
import { BuiltinAndCustomRoleCatalog } from './role-catalog.js';
import { accessReview } from './access-review.js';
import { PermissionUsageRecorder } from '../audit/permission-usage.js';
import { narrowestScope } from './review-scope.js';

const DAY = 86_400_000;
const SUB = `/subscriptions/${randomUUID()}`;
const RG = `${SUB}/resourceGroups/Apps`;
const VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/kv1`;
const KV_OFFICER = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7';
const GET_SECRET = 'Microsoft.KeyVault/vaults/secrets/getSecret/action';
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

describe('narrowestScope', () => {
  it('cuts the common prefix back to an assignable scope, in the first casing', () => {
    assert.equal(narrowestScope([VAULT, `${RG.toLowerCase()}`]), RG);
    assert.equal(narrowestScope([VAULT, `${VAULT}/secrets/s1`]), VAULT);
    assert.equal(
      narrowestScope([`${RG}/providers/Microsoft.KeyVault/vaults/a`, `${RG}/providers/Microsoft.KeyVault/vaults/b`]),
      RG,
    );
    assert.equal(narrowestScope([`${SUB}/resourcegroups`]), SUB);
    assert.equal(narrowestScope([RG, `/subscriptions/${randomUUID()}`]), '/');
    assert.equal(
      narrowestScope(['/providers/Microsoft.Management/managementGroups/mg1/descendants']),
      '/providers/Microsoft.Management/managementGroups/mg1',
    );
  });
});

describe('accessReview over recorded usage (real SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openmi-review-'));
  let store: Store;
  before(async () => {
    store = await openStore({ kind: 'sqlite', path: join(dir, 'review.db') });
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists used operations per assignment, the unused rest, and a role with exactly the used ones', async () => {
    const clock = new ManualClock(Date.UTC(2026, 3, 10, 12));
    const catalog = new BuiltinAndCustomRoleCatalog(store);
    const recorder = new PermissionUsageRecorder(store, clock, { error: () => undefined });
    const authz = new RbacAuthorizer(store, catalog, undefined, recorder);
    const p = randomUUID();
    const contributor = assignment(p, RG, BuiltinRoleIds.contributor);
    const officer = assignment(p, VAULT, KV_OFFICER);
    const reader = assignment(p, `${SUB}/resourceGroups/other`, BuiltinRoleIds.reader);
    for (const a of [contributor, officer, reader]) await store.roleAssignments.create(a);
    // Evidence older than the window does not count.
    clock.advance(-10 * DAY);
    assert.equal((await authz.check(p, 'Microsoft.KeyVault/vaults/write', VAULT)).allowed, true);
    clock.advance(10 * DAY);
    for (let i = 0; i < 3; i++) assert.equal((await authz.check(p, GET_SECRET, VAULT, 'dataAction')).allowed, true);
    assert.equal((await authz.check(p, READ_RG, RG)).allowed, true);
    await recorder.flush();

    const subject = {
      id: `${RG}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/app`,
      name: 'app',
      principalId: p,
    };
    const r = await accessReview(store, catalog, clock, subject, 7);
    assert.equal(r.from, new Date(Date.UTC(2026, 3, 4)).toISOString());
    const byId = new Map(r.assignments.map((a) => [a.id, a]));
    const c = byId.get(contributor.id)!;
    assert.deepEqual(
      c.used.map((u) => [u.kind, u.operation, u.count, u.scopes]),
      [['action', READ_RG, 1, [RG]]],
    );
    assert.deepEqual(c.partlyUsed, [{ kind: 'action', pattern: '*', usedBy: [READ_RG] }]);
    const o = byId.get(officer.id)!;
    assert.deepEqual(
      o.used.map((u) => [u.kind, u.operation, u.count, u.scopes]),
      [['dataAction', GET_SECRET, 3, [VAULT]]],
    );
    assert.equal(o.unused.actions.length, 10);
    assert.ok(o.unused.actions.includes('Microsoft.KeyVault/vaults/*/read'));
    assert.deepEqual(o.partlyUsed, [
      { kind: 'dataAction', pattern: 'Microsoft.KeyVault/vaults/secrets/*', usedBy: [GET_SECRET] },
    ]);
    assert.deepEqual(r.unusedAssignments, [reader.id]);
    assert.deepEqual(byId.get(reader.id)!.unused, { actions: ['*/read'], dataActions: [] });
    assert.deepEqual(r.suggestedRole?.assignableScopes, [RG]);
    assert.deepEqual(r.suggestedRole?.permissions, [
      { actions: [READ_RG], notActions: [], dataActions: [GET_SECRET], notDataActions: [] },
    ]);

    const wider = await accessReview(store, catalog, clock, subject, 30);
    assert.deepEqual(wider.suggestedRole?.permissions[0]?.actions, ['Microsoft.KeyVault/vaults/write', READ_RG]);
    const none = await accessReview(store, catalog, clock, { ...subject, principalId: randomUUID() }, 30);
    assert.equal(none.suggestedRole, null);
    await assert.rejects(
      accessReview(store, catalog, clock, subject, 0),
      (e) => isDomainError(e) && e.kind === 'invalid',
    );
  });
});
