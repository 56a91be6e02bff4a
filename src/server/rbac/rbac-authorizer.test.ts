import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openStore } from '../../store/open-store.js';
import type { RoleAssignmentRecord, RoleDefinitionRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import { BuiltinRoleIds } from './builtin-roles.js';
import { RbacAuthorizer } from './rbac-authorizer.js';
import { BuiltinAndCustomRoleCatalog } from './role-catalog.js';

const SUB_ID = randomUUID();
const SUB = `/subscriptions/${SUB_ID}`;
const RG = `${SUB}/resourceGroups/rg1`;
const UAI = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const UAI_ID = `${RG}/providers/${UAI}/id1`;
const BLOB_READ = 'Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read';
const ACCOUNT = `${RG}/providers/Microsoft.Storage/storageAccounts/acct1`;

function assignment(principalId: string, scope: string, roleGuid: string): RoleAssignmentRecord {
  const name = randomUUID();
  return {
    id: `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    scope,
    roleDefinitionId: `${SUB}/providers/Microsoft.Authorization/roleDefinitions/${roleGuid}`,
    principalId,
    principalType: 'ServicePrincipal',
    description: null,
    createdBy: null,
    createdAt: Date.now(),
    updatedAt: Date.now(),
  };
}

function customRole(actions: string[]): RoleDefinitionRecord {
  const at = Date.now();
  const perm = { actions, notActions: [], dataActions: [], notDataActions: [] };
  return {
    id: randomUUID(),
    roleName: `Identity Reader ${randomUUID()}`,
    description: 'test',
    assignableScopes: [SUB],
    permissions: [perm],
    scope: SUB,
    createdBy: null,
    updatedBy: null,
    createdAt: at,
    updatedAt: at,
  };
}

describe('RbacAuthorizer over a real SQLite store', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openmi-rbac-'));
  let store: Store;
  let authz: RbacAuthorizer;
  before(async () => {
    store = await openStore({ kind: 'sqlite', path: join(dir, 'rbac.db') });
    authz = new RbacAuthorizer(store, new BuiltinAndCustomRoleCatalog(store));
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('a created assignment allows on the next call, a deleted one denies on the next call', async () => {
    const pid = randomUUID();
    assert.equal((await authz.check(pid, `${UAI}/write`, UAI_ID)).allowed, false);
    const ra = assignment(pid, RG, BuiltinRoleIds.managedIdentityContributor);
    await store.roleAssignments.create(ra);
    assert.deepEqual(await authz.check(pid, `${UAI}/write`, UAI_ID), {
      allowed: true,
      reason: `allowed by assignment ${ra.name} (role Managed Identity Contributor) at scope ${RG}`,
    });
    assert.equal(await store.roleAssignments.delete(ra.id), true);
    const after = await authz.check(pid, `${UAI}/write`, UAI_ID);
    assert.equal(after.allowed, false);
    assert.match(after.reason, /holds no role assignments/);
  });

  it('finds assignments whatever the casing of the principal id', async () => {
    const pid = randomUUID();
    await store.roleAssignments.create(assignment(pid.toUpperCase(), SUB, BuiltinRoleIds.reader));
    assert.equal((await authz.check(pid, `${UAI}/read`, UAI_ID)).allowed, true);
  });

  it('checks data actions with kind dataAction, and Owner grants none', async () => {
    const pid = randomUUID();
    await store.roleAssignments.create(assignment(pid, '/', BuiltinRoleIds.owner));
    assert.equal((await authz.check(pid, BLOB_READ, ACCOUNT, 'dataAction')).allowed, false);
    await store.roleAssignments.create(assignment(pid, ACCOUNT, BuiltinRoleIds.storageBlobDataReader));
    assert.equal(
      (await authz.check(pid, BLOB_READ, `${ACCOUNT}/blobServices/default/containers/c1`, 'dataAction')).allowed,
      true,
    );
    const readerOnly = randomUUID();
    await store.roleAssignments.create(assignment(readerOnly, ACCOUNT, BuiltinRoleIds.storageBlobDataReader));
    assert.equal((await authz.check(readerOnly, BLOB_READ, ACCOUNT, 'dataAction')).allowed, true);
    assert.equal((await authz.check(readerOnly, BLOB_READ, ACCOUNT)).allowed, false, 'the default kind is action');
  });

  it('a custom role applies, and an edit or deletion of it applies on the next call', async () => {
    const pid = randomUUID();
    const role = customRole([`${UAI}/read`]);
    await store.roleDefinitions.create(role);
    await store.roleAssignments.create(assignment(pid, SUB, role.id));
    assert.equal((await authz.check(pid, `${UAI}/read`, UAI_ID)).allowed, true);
    assert.equal((await authz.check(pid, `${UAI}/write`, UAI_ID)).allowed, false);
    assert.equal(
      await store.roleDefinitions.update({
        ...role,
        permissions: [{ ...role.permissions[0]!, actions: [`${UAI}/*`] }],
      }),
      true,
    );
    assert.equal((await authz.check(pid, `${UAI}/write`, UAI_ID)).allowed, true);
    assert.equal(await store.roleDefinitions.delete(role.id), true);
    const d = await authz.explain(pid, `${UAI}/read`, UAI_ID, 'action');
    assert.equal(d.allowed, false);
    assert.equal(d.considered[0]!.verdict, 'unknownRole');
  });

  it('explain lists every assignment of the principal with its verdict', async () => {
    const pid = randomUUID();
    await store.roleAssignments.create({ ...assignment(pid, RG, BuiltinRoleIds.reader), createdAt: 1 });
    await store.roleAssignments.create({
      ...assignment(pid, `${SUB}/resourceGroups/rg2`, BuiltinRoleIds.owner),
      createdAt: 2,
    });
    await store.roleAssignments.create({
      ...assignment(pid, SUB, BuiltinRoleIds.managedIdentityOperator),
      createdAt: 3,
    });
    const d = await authz.explain(pid, `${UAI}/assign/action`, UAI_ID, 'action');
    assert.equal(d.allowed, true);
    assert.deepEqual(
      d.considered.map((c) => [c.roleName, c.verdict]),
      [
        ['Reader', 'roleLacksOperation'],
        ['Owner', 'outOfScope'],
        ['Managed Identity Operator', 'grants'],
      ],
    );
  });

  it('a conditional assignment read back from the store grants nothing', async () => {
    const pid = randomUUID();
    await store.roleAssignments.create({
      ...assignment(pid, ACCOUNT, BuiltinRoleIds.storageBlobDataReader),
      condition: "@Resource[x] StringEquals 'c1'",
      conditionVersion: '2.0',
    });
    assert.equal(
      (await authz.check(pid, BLOB_READ, `${ACCOUNT}/blobServices/default/containers/c1`, 'dataAction')).allowed,
      false,
    );
  });
});
