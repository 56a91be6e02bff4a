import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.js';
import { DomainError, isDomainError } from '../../kernel/errors.js';
import { systemRandom } from '../../kernel/ids.js';
import { openStore } from '../../store/open-store.js';
import type { RoleAssignmentRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { ControlPlaneChange } from '../audit/changes.js';
import { PermissionUsageRecorder } from '../audit/permission-usage.js';
import { applyAccessReview, type AccessApplyDeps } from './access-apply.js';
import { BuiltinRoleIds } from './builtin-roles.js';
import { RbacAuthorizer } from './rbac-authorizer.js';
import { BuiltinAndCustomRoleCatalog } from './role-catalog.js';

const SUB = `/subscriptions/${randomUUID()}`;
const RG = `${SUB}/resourceGroups/Apps`;
const VAULT = `${RG}/providers/Microsoft.KeyVault/vaults/kv1`;
const GET_SECRET = 'Microsoft.KeyVault/vaults/secrets/getSecret/action';
const KV_OFFICER = 'b86a8fe4-44ce-4948-aee5-eccb2c155cd7';
const actor = { principalId: 'admin', correlationId: 'c-1' };
const allowAll = async () => {};

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

const code = (e: unknown) => (isDomainError(e) ? e.code : String(e));

describe('applyAccessReview over recorded usage (real SQLite)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openmi-apply-'));
  let store: Store;
  let d: AccessApplyDeps;
  const changes: ControlPlaneChange[] = [];
  const clock = new ManualClock(Date.UTC(2026, 3, 10, 12));
  before(async () => {
    store = await openStore({ kind: 'sqlite', path: join(dir, 'apply.db') });
    const catalog = new BuiltinAndCustomRoleCatalog(store);
    d = { store, catalog, clock, random: systemRandom, recorder: { record: (c) => changes.push(c) } };
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const subject = (p: string) => ({
    id: `${RG}/providers/Microsoft.Compute/virtualMachines/vm`,
    name: 'vm',
    principalId: p,
  });

  it('refuses without evidence, and a caller lacking a scope changes nothing', async () => {
    const p = randomUUID();
    const officer = assignment(p, VAULT, KV_OFFICER);
    await store.roleAssignments.create(officer);
    await assert.rejects(applyAccessReview(d, subject(p), 7, actor, allowAll, false), (e) => {
      assert.equal(code(e), 'AccessReviewNoEvidence');
      return true;
    });
    const recorder = new PermissionUsageRecorder(store, clock, { error: () => undefined });
    const authz = new RbacAuthorizer(store, d.catalog, undefined, recorder);
    assert.equal((await authz.check(p, GET_SECRET, `${VAULT}/secrets/s`, 'dataAction')).allowed, true);
    await recorder.flush();
    const noDelete = async (action: string) => {
      if (action.endsWith('/delete')) throw new DomainError('forbidden', 'no delete here');
    };
    await assert.rejects(applyAccessReview(d, subject(p), 7, actor, noDelete, false), DomainError);
    assert.deepEqual(
      (await store.roleAssignments.listForPrincipal(p)).map((a) => a.id),
      [officer.id],
    );
    assert.equal(await d.catalog.getByName('vm least privilege'), undefined);
  });

  it('dry run writes nothing; apply swaps in one step; a second apply reuses the role', async () => {
    const p = randomUUID();
    const contributor = assignment(p, RG, BuiltinRoleIds.contributor);
    await store.roleAssignments.create(contributor);
    const recorder = new PermissionUsageRecorder(store, clock, { error: () => undefined });
    const authz = new RbacAuthorizer(store, d.catalog, undefined, recorder);
    assert.equal((await authz.check(p, 'Microsoft.KeyVault/vaults/read', VAULT)).allowed, true);
    await recorder.flush();
    const s = { ...subject(p), name: 'reader-vm' };

    const dry = await applyAccessReview(d, s, 7, actor, allowAll, true);
    assert.deepEqual([dry.applied, dry.checked, dry.wouldDeny, dry.role.exists], [false, 1, [], false]);
    assert.deepEqual(
      dry.removes.map((r) => r.id),
      [contributor.id],
    );
    assert.equal((await store.roleAssignments.listForPrincipal(p)).length, 1);

    const before = changes.length;
    const done = await applyAccessReview(d, s, 7, actor, allowAll, false);
    assert.equal(done.applied, true);
    const held = await store.roleAssignments.listForPrincipal(p);
    assert.deepEqual(
      held.map((a) => [a.id, a.scope]),
      [[done.assignment.id, VAULT]],
    );
    assert.deepEqual(
      changes.slice(before).map((c) => [c.operation.split('/').slice(-2).join('/'), c.actor.correlationId]),
      [
        ['roleDefinitions/write', 'c-1'],
        ['roleAssignments/write', 'c-1'],
        ['roleAssignments/delete', 'c-1'],
      ],
    );
    // Allowed now by the new role only; its use is recorded there, and a second apply changes nothing.
    assert.equal((await authz.check(p, 'Microsoft.KeyVault/vaults/read', VAULT)).allowed, true);
    assert.equal((await authz.check(p, 'Microsoft.KeyVault/vaults/write', VAULT)).allowed, false);
    await recorder.flush();
    const again = await applyAccessReview(d, s, 7, actor, allowAll, false);
    assert.deepEqual(
      [again.role.exists, again.role.id, again.assignment.id, again.removes],
      [true, done.role.id, done.assignment.id, []],
    );
  });
});
