import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isDomainError } from '../../src/kernel/errors.js';
import type { RoleDefinitionRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { assertConflict, flipCase, mixedGuid, T0, useStore } from './fixtures.js';

export const roleDefinition = (o: Partial<RoleDefinitionRecord> = {}): RoleDefinitionRecord => {
  const sub = `/subscriptions/${mixedGuid()}`;
  return {
    id: mixedGuid(),
    roleName: `Role ${mixedGuid()} «Ünïcode»`,
    description: 'Reads "things"',
    assignableScopes: [sub, `${sub}/resourceGroups/Rg1`],
    permissions: [
      {
        actions: ['Microsoft.ManagedIdentity/userAssignedIdentities/read', '*/read'],
        notActions: ['Microsoft.Authorization/*/write'],
        dataActions: [],
        notDataActions: [],
      },
      {
        actions: [],
        notActions: [],
        dataActions: ['Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read'],
        notDataActions: ['x/y'],
      },
    ],
    scope: sub,
    createdBy: mixedGuid(),
    updatedBy: mixedGuid(),
    createdAt: T0 + 50,
    updatedAt: T0 + 51,
    ...o,
  };
};

async function assertSameName(p: Promise<unknown>): Promise<void> {
  await assert.rejects(
    p,
    (e: unknown) => isDomainError(e) && e.kind === 'conflict' && e.code === 'RoleDefinitionWithSameNameExists',
  );
}

export function roleDefinitionContract(newStore: () => Promise<Store>): void {
  describe('roleDefinitions', () => {
    const store = useStore(newStore);

    it('round-trips every field; get and getByName are case-insensitive and keep the casing', async () => {
      const r = roleDefinition();
      const bare = roleDefinition({ createdBy: null, updatedBy: null, description: '', permissions: [] });
      await store().roleDefinitions.create(r);
      await store().roleDefinitions.create(bare);
      assert.deepEqual(await store().roleDefinitions.get(flipCase(r.id)), r);
      assert.deepEqual(await store().roleDefinitions.getByName(flipCase(r.roleName)), r);
      assert.deepEqual(await store().roleDefinitions.get(bare.id), bare);
      assert.equal(await store().roleDefinitions.get(mixedGuid()), undefined);
      assert.equal(await store().roleDefinitions.getByName('no such role'), undefined);
    });

    it('create conflicts on a duplicate id (any casing), and with RoleDefinitionWithSameNameExists on a duplicate name', async () => {
      const r = roleDefinition();
      await store().roleDefinitions.create(r);
      const dupId = { ...roleDefinition(), id: flipCase(r.id) };
      await assertConflict(store().roleDefinitions.create(dupId));
      await assertSameName(store().roleDefinitions.create(roleDefinition({ roleName: r.roleName.toUpperCase() })));
      assert.deepEqual(await store().roleDefinitions.get(r.id), r);
      assert.equal(await store().roleDefinitions.getByName(dupId.roleName), undefined);
    });

    it('update replaces the mutable fields (not scope, createdBy, createdAt), renames, and is false when absent', async () => {
      const r = roleDefinition();
      await store().roleDefinitions.create(r);
      const next = {
        ...roleDefinition({ id: flipCase(r.id), roleName: `Renamed ${mixedGuid()}`, updatedAt: T0 + 60 }),
      };
      assert.equal(await store().roleDefinitions.update(next), true);
      const expected = { ...next, id: r.id, scope: r.scope, createdBy: r.createdBy, createdAt: r.createdAt };
      assert.deepEqual(await store().roleDefinitions.get(r.id), expected);
      assert.equal(await store().roleDefinitions.getByName(r.roleName), undefined);
      assert.deepEqual(await store().roleDefinitions.getByName(next.roleName), expected);
      assert.equal(await store().roleDefinitions.update(roleDefinition()), false);
    });

    it('update keeps its own name in another casing but refuses another role’s name', async () => {
      const a = roleDefinition();
      const b = roleDefinition();
      await store().roleDefinitions.create(a);
      await store().roleDefinitions.create(b);
      assert.equal(await store().roleDefinitions.update({ ...a, roleName: a.roleName.toLowerCase() }), true);
      await assertSameName(store().roleDefinitions.update({ ...a, roleName: flipCase(b.roleName) }));
      assert.equal((await store().roleDefinitions.get(a.id))?.roleName, a.roleName.toLowerCase());
    });

    it('list returns every custom role ordered by lower-cased name; delete returns true once, then false', async () => {
      for (const r of await store().roleDefinitions.list()) await store().roleDefinitions.delete(r.id);
      const made = [
        roleDefinition({ roleName: 'beta' }),
        roleDefinition({ roleName: 'Alpha' }),
        roleDefinition({ roleName: 'Gamma' }),
      ];
      for (const r of made) await store().roleDefinitions.create(r);
      assert.deepEqual(
        (await store().roleDefinitions.list()).map((r) => r.roleName),
        ['Alpha', 'beta', 'Gamma'],
      );
      assert.equal(await store().roleDefinitions.delete(flipCase(made[0]!.id)), true);
      assert.equal(await store().roleDefinitions.delete(made[0]!.id), false);
      assert.equal(await store().roleDefinitions.get(made[0]!.id), undefined);
      assert.deepEqual(
        (await store().roleDefinitions.list()).map((r) => r.roleName),
        ['Alpha', 'Gamma'],
      );
    });

    it('a deleted role’s name can be used again', async () => {
      const r = roleDefinition();
      await store().roleDefinitions.create(r);
      await store().roleDefinitions.delete(r.id);
      await store().roleDefinitions.create(roleDefinition({ roleName: r.roleName }));
      assert.equal((await store().roleDefinitions.getByName(r.roleName))?.roleName, r.roleName);
    });
  });
}
