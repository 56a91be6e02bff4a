import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ChangeRecorder, ControlPlaneChange } from '../audit/changes.js';
import { ManualClock } from '../../kernel/clock.js';
import { BuiltinAndCustomRoleCatalog } from './role-catalog.js';
import { openStore } from '../../store/open-store.js';
import type { Store } from '../../store/store.js';
import { RoleAssignmentService } from './role-assignments.js';
import { RoleDefinitionService } from './role-definitions.js';

const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

/** Every write of the two services reaches the change recorder with Azure's operation name and what changed; failures record nothing. */
describe('role assignment and definition changes', () => {
  const dir = mkdtempSync(join(tmpdir(), 'openmi-authz-'));
  const changes: ControlPlaneChange[] = [];
  const recorder: ChangeRecorder = { record: (c) => changes.push(c) };
  const clock = new ManualClock();
  const actor = { principalId: randomUUID(), correlationId: randomUUID() };
  const subId = randomUUID();
  const sub = `/subscriptions/${subId}`;
  const principalId = randomUUID();
  let store: Store;
  let assignments: RoleAssignmentService;
  let definitions: RoleDefinitionService;
  const allow = async () => undefined;

  before(async () => {
    store = await openStore({ kind: 'sqlite', path: join(dir, 'authz.db') });
    const tenantId = randomUUID();
    await store.tenants.create({ id: tenantId, displayName: 't', createdAt: 1 });
    await store.subscriptions.create({ id: subId, tenantId, displayName: 's', state: 'Enabled', createdAt: 1 });
    await store.principals.create({
      objectId: principalId,
      appId: randomUUID(),
      tenantId,
      displayName: 'app',
      kind: 'application',
      resourceId: null,
      createdAt: 1,
    });
    const catalog = new BuiltinAndCustomRoleCatalog(store);
    assignments = new RoleAssignmentService(store, clock, recorder, catalog);
    definitions = new RoleDefinitionService(store, clock, recorder, catalog);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('records roleAssignments/write (created, then updated) and /delete with principal, role and scope', async () => {
    changes.length = 0;
    const name = randomUUID();
    const input = { roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${READER}`, principalId };
    await assignments.put(sub, name, input, actor);
    clock.advance(1000);
    const { assignment } = await assignments.put(sub, name, { ...input, description: 'why' }, actor);
    assert.equal(assignment.updatedAt - assignment.createdAt, 1000);
    await assignments.delete(sub, name, actor);
    assert.deepEqual(
      changes.map((c) => [c.operation, c.resourceId, c.detail?.['created']]),
      [
        [
          'Microsoft.Authorization/roleAssignments/write',
          `${sub}/providers/Microsoft.Authorization/roleAssignments/${name}`,
          true,
        ],
        [
          'Microsoft.Authorization/roleAssignments/write',
          `${sub}/providers/Microsoft.Authorization/roleAssignments/${name}`,
          false,
        ],
        [
          'Microsoft.Authorization/roleAssignments/delete',
          `${sub}/providers/Microsoft.Authorization/roleAssignments/${name}`,
          undefined,
        ],
      ],
    );
    for (const c of changes) {
      assert.equal(c.detail?.['principalId'], principalId);
      assert.equal(
        c.detail?.['roleDefinitionId'],
        `${sub}/providers/Microsoft.Authorization/roleDefinitions/${READER}`,
      );
      assert.equal(c.detail?.['scope'], sub);
      assert.deepEqual(c.actor, actor);
    }
    assert.equal(changes[1]!.detail?.['description'], 'why');
  });

  it('records roleDefinitions/write and /delete; a refused write and a delete of nothing record nothing', async () => {
    changes.length = 0;
    const guid = randomUUID();
    const input = { roleName: `r-${guid}`, permissions: [{ actions: ['*/read'] }], assignableScopes: [sub] };
    await definitions.put(sub, guid, input, actor, allow);
    await assert.rejects(definitions.put(sub, randomUUID(), input, actor, allow), /already exists/);
    await assert.rejects(
      assignments.put(
        sub,
        randomUUID(),
        { roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${READER}`, principalId: randomUUID() },
        actor,
      ),
      /does not exist/,
    );
    await definitions.delete(sub, guid, actor, allow);
    assert.equal(await definitions.delete(sub, guid, actor, allow), undefined);
    assert.deepEqual(
      changes.map((c) => [c.operation, c.resourceId]),
      [
        [
          'Microsoft.Authorization/roleDefinitions/write',
          `${sub}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
        ],
        [
          'Microsoft.Authorization/roleDefinitions/delete',
          `${sub}/providers/Microsoft.Authorization/roleDefinitions/${guid}`,
        ],
      ],
    );
    assert.deepEqual(changes[0]!.detail?.['assignableScopes'], [sub]);
    assert.equal(changes[0]!.detail?.['created'], true);
  });

  it('stores a condition with version 2.0 and returns it; an unknown condition version is refused', async () => {
    const roleDefinitionId = `/providers/Microsoft.Authorization/roleDefinitions/${READER}`;
    const condition = "@Resource[Microsoft.Storage/storageAccounts/blobServices/containers:name] StringEquals 'logs'";
    const { assignment } = await assignments.put(
      sub,
      randomUUID(),
      { roleDefinitionId, principalId, condition },
      actor,
    );
    assert.deepEqual([assignment.condition, assignment.conditionVersion], [condition, '2.0']);
    assert.deepEqual((await store.roleAssignments.get(assignment.id))?.condition, condition);
    await assert.rejects(
      assignments.put(
        `${sub}/resourceGroups/x`,
        randomUUID(),
        { roleDefinitionId, principalId, condition, conditionVersion: '1.0' },
        actor,
      ),
      /conditionVersion '1.0'/,
    );
  });
});
