import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { assertConflict, flipCase, mixedGuid, roleAssignment, T0 } from './fixtures.js';

const roleId = (guid: string, sub?: string) =>
  `${sub ? `/subscriptions/${sub}` : ''}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

/** Updates, lookups by name and by role, and the uniqueness rules the ARM surface relies on. Runs inside roleAssignmentContract's describe. */
export function roleAssignmentWriteContract(store: () => Store): void {
  it('round-trips a condition; omitted optional fields come back as null', async () => {
    const withCondition = roleAssignment(`/subscriptions/${mixedGuid()}`, mixedGuid(), {
      condition: "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'logs'",
      conditionVersion: '2.0',
    });
    await store().roleAssignments.create(withCondition);
    assert.deepEqual(await store().roleAssignments.get(withCondition.id), withCondition);
    const {
      updatedBy: _u,
      condition: _c,
      conditionVersion: _v,
      ...legacy
    } = roleAssignment(`/subscriptions/${mixedGuid()}`, mixedGuid());
    await store().roleAssignments.create(legacy);
    assert.deepEqual(await store().roleAssignments.get(legacy.id), {
      ...legacy,
      updatedBy: null,
      condition: null,
      conditionVersion: null,
    });
  });

  it('update replaces only description, condition, updatedBy and updatedAt; false when absent', async () => {
    const ra = roleAssignment(`/subscriptions/${mixedGuid()}`, mixedGuid());
    await store().roleAssignments.create(ra);
    const changed = {
      ...ra,
      id: flipCase(ra.id),
      principalId: mixedGuid(),
      roleDefinitionId: roleId(mixedGuid()),
      description: 'now documented',
      condition: 'x',
      conditionVersion: '2.0',
      updatedBy: mixedGuid(),
      updatedAt: T0 + 99,
    };
    assert.equal(await store().roleAssignments.update(changed), true);
    const expected = {
      ...ra,
      description: 'now documented',
      condition: 'x',
      conditionVersion: '2.0',
      updatedBy: changed.updatedBy,
      updatedAt: T0 + 99,
    };
    assert.deepEqual(await store().roleAssignments.get(ra.id), expected);
    assert.equal(await store().roleAssignments.update(roleAssignment('/', mixedGuid())), false);
  });

  it('getByName finds an assignment at any scope, case-insensitively', async () => {
    const ra = roleAssignment(`/subscriptions/${mixedGuid()}/resourceGroups/Deep`, mixedGuid());
    await store().roleAssignments.create(ra);
    assert.deepEqual(await store().roleAssignments.getByName(flipCase(ra.name)), ra);
    assert.equal(await store().roleAssignments.getByName(mixedGuid()), undefined);
  });

  it('a name is unique across scopes: create conflicts on the same name at another scope', async () => {
    const ra = roleAssignment(`/subscriptions/${mixedGuid()}`, mixedGuid());
    await store().roleAssignments.create(ra);
    const elsewhere = `/subscriptions/${mixedGuid()}`;
    await assertConflict(
      store().roleAssignments.create({
        ...ra,
        scope: elsewhere,
        id: `${elsewhere}/providers/Microsoft.Authorization/roleAssignments/${flipCase(ra.name)}`,
      }),
    );
  });

  it('scope + principal + role is unique, whichever form of the role id and casing is used', async () => {
    const sub = mixedGuid();
    const guid = mixedGuid();
    const ra = roleAssignment(`/subscriptions/${sub}`, mixedGuid(), { roleDefinitionId: roleId(guid, sub) });
    await store().roleAssignments.create(ra);
    const twin = roleAssignment(flipCase(ra.scope), flipCase(ra.principalId), {
      roleDefinitionId: roleId(flipCase(guid)),
    });
    await assertConflict(store().roleAssignments.create(twin));
    const otherRole = roleAssignment(ra.scope, ra.principalId, { roleDefinitionId: roleId(mixedGuid(), sub) });
    await store().roleAssignments.create(otherRole);
    assert.equal(await store().roleAssignments.get(twin.id), undefined);
  });

  it('listForRoleDefinition matches the role GUID in either id form, oldest first', async () => {
    const guid = mixedGuid();
    const sub = mixedGuid();
    const second = roleAssignment(`/subscriptions/${sub}`, mixedGuid(), {
      roleDefinitionId: roleId(guid, sub),
      createdAt: T0 + 2,
    });
    const first = roleAssignment('/', mixedGuid(), { roleDefinitionId: roleId(flipCase(guid)), createdAt: T0 + 1 });
    const other = roleAssignment('/', mixedGuid(), { roleDefinitionId: roleId(mixedGuid()) });
    for (const ra of [second, first, other]) await store().roleAssignments.create(ra);
    assert.deepEqual(await store().roleAssignments.listForRoleDefinition(roleId(guid, mixedGuid())), [first, second]);
    assert.deepEqual(await store().roleAssignments.listForRoleDefinition(flipCase(guid)), [first, second]);
    assert.deepEqual(await store().roleAssignments.listForRoleDefinition(mixedGuid()), []);
  });
}
