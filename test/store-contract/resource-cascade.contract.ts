import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ChangeBatch } from '../../src/server/audit/changes-batch.js';
import { ManualClock } from '../../src/kernel/clock.js';
import { COMPUTE_TYPES } from '../../src/wire/compute-types.js';
import { deleteGroupContents } from '../../src/server/resources/group-contents.js';
import { KEY_VAULT_TYPE, RESOURCE_KINDS, RESOURCE_TYPES } from '../../src/server/resources/resource-kinds.js';
import { compareListingKeys, resourceCursor } from '../../src/store/listing-cursor.js';
import type { Store } from '../../src/store/store.js';
import {
  computeResource,
  federatedCredential,
  identity,
  mixedGuid,
  principal,
  resourceGroup,
  roleAssignment,
  T0,
  useStore,
} from './fixtures.js';

/** One resource of a type with everything that hangs off it; `remains` names what is still stored. */
interface Seeded {
  id: string;
  remains(): Promise<string[]>;
}

type Seed = (s: Store, sub: string, rg: string) => Promise<Seeded>;

/** A role assignment made on `scope`, for a principal that lives elsewhere and must survive. */
async function assignOn(s: Store, scope: string): Promise<string> {
  const ra = roleAssignment(scope, mixedGuid());
  await s.roleAssignments.create(ra);
  return ra.id;
}

const gone = async (what: string, found: Promise<unknown>): Promise<string[]> => ((await found) ? [what] : []);
const all = async (parts: Promise<string[]>[]): Promise<string[]> => (await Promise.all(parts)).flat();

const computeSeed =
  (type: string): Seed =>
  async (s, sub, rg) => {
    const p = principal({ kind: 'managedIdentity' });
    const r = computeResource(sub, rg, `res-${randomBytes(3).toString('hex')}`, {
      type,
      systemPrincipalId: p.objectId,
    });
    await s.principals.create({ ...p, resourceId: r.id });
    await s.computeResources.create(r);
    const ownRole = roleAssignment(`/subscriptions/${sub}`, p.objectId);
    await s.roleAssignments.create(ownRole);
    const onIt = await assignOn(s, `${r.id}/extensions/x`);
    const token = {
      id: mixedGuid(),
      resourceId: r.id,
      hash: 'cd'.repeat(32),
      ephemeral: false,
      createdBy: mixedGuid(),
      createdAt: T0,
      expiresAt: T0 + 3_600_000,
      usedAt: null,
    };
    await s.joinTokens.create(token);
    await s.agents.create({
      id: mixedGuid(),
      resourceId: r.id,
      publicJwk: { kty: 'EC' },
      hostname: 'h',
      joinTokenId: token.id,
      createdAt: T0,
      expiresAt: null,
    });
    return {
      id: r.id,
      remains: () =>
        all([
          gone('resource', s.computeResources.get(r.id)),
          gone('system principal', s.principals.getByObjectId(p.objectId)),
          gone('its role assignment', s.roleAssignments.get(ownRole.id)),
          gone('assignment on it', s.roleAssignments.get(onIt)),
          gone('join token', s.joinTokens.get(token.id)),
          s.agents.listForResource(r.id).then((a) => (a.length ? ['agent'] : [])),
        ]),
    };
  };

const identitySeed: Seed = async (s, sub, rg) => {
  const i = identity(sub, rg, `id-${randomBytes(3).toString('hex')}`);
  await s.principals.create(
    principal({ objectId: i.principalId, appId: i.clientId, kind: 'managedIdentity', resourceId: i.id }),
  );
  await s.identities.create(i);
  const f = federatedCredential(i.id, 'fic');
  await s.federatedCredentials.create(f);
  const ownRole = roleAssignment(`/subscriptions/${sub}`, i.principalId);
  await s.roleAssignments.create(ownRole);
  const onIt = await assignOn(s, i.id);
  return {
    id: i.id,
    remains: () =>
      all([
        gone('identity', s.identities.get(i.id)),
        gone('principal', s.principals.getByObjectId(i.principalId)),
        gone('federated credential', s.federatedCredentials.get(f.id)),
        gone('its role assignment', s.roleAssignments.get(ownRole.id)),
        gone('assignment on it', s.roleAssignments.get(onIt)),
      ]),
  };
};

const vaultSeed: Seed = async (s, sub, rg) => {
  const name = `kv-${randomBytes(4).toString('hex')}`;
  const id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/${KEY_VAULT_TYPE}/${name}`;
  await s.keyVaults.create({
    id,
    subscriptionId: sub,
    resourceGroup: rg,
    name,
    location: 'westeurope',
    tags: {},
    tenantId: mixedGuid(),
    sku: 'standard',
    createdAt: T0,
    updatedAt: T0,
  });
  const version = (n: string) => ({
    vaultId: id,
    name: n,
    version: 'a'.repeat(32),
    sealedValue: 'v1.x',
    contentType: null,
    tags: {},
    enabled: true,
    notBefore: null,
    expires: null,
    createdAt: T0,
    updatedAt: T0,
  });
  await s.keyVaultSecrets.putVersion(version('live'));
  await s.keyVaultSecrets.putVersion(version('binned'));
  await s.keyVaultSecrets.markDeleted({ vaultId: id, name: 'binned', deletedAt: T0, scheduledPurgeAt: T0 + 1 });
  const object = (n: string) => ({
    vaultId: id,
    name: n,
    version: 'b'.repeat(32),
    doc: '{}',
    sealed: 'v1.x',
    createdAt: T0,
  });
  await s.keyVaultKeys.putVersion(object('key'));
  await s.keyVaultKeys.putVersion(object('binned-key'));
  await s.keyVaultKeys.markDeleted({ vaultId: id, name: 'binned-key', deletedAt: T0, scheduledPurgeAt: T0 + 1 });
  await s.keyVaultCertificates.putVersion(object('cert'));
  await s.keyVaultCertificates.markDeleted({ vaultId: id, name: 'cert', deletedAt: T0, scheduledPurgeAt: T0 + 1 });
  const onSecret = await assignOn(s, `${id}/secrets/live`);
  return {
    id,
    remains: () =>
      all([
        gone('vault', s.keyVaults.get(id)),
        gone('secret', s.keyVaultSecrets.latest(id, 'live')),
        gone('soft-deleted secret', s.keyVaultSecrets.getDeleted(id, 'binned')),
        gone('key', s.keyVaultKeys.latest(id, 'key')),
        gone('soft-deleted key', s.keyVaultKeys.getDeleted(id, 'binned-key')),
        gone('certificate', s.keyVaultCertificates.latest(id, 'cert')),
        gone('soft-deleted certificate', s.keyVaultCertificates.getDeleted(id, 'cert')),
        gone('assignment on a secret', s.roleAssignments.get(onSecret)),
      ]),
  };
};

const storageSeed: Seed = async (s, sub, rg) => {
  const name = `sa${randomBytes(6).toString('hex')}`;
  const id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.Storage/storageAccounts/${name}`;
  await s.storageAccounts.create({
    id,
    subscriptionId: sub,
    resourceGroup: rg,
    name,
    location: 'westeurope',
    tags: {},
    body: { kind: 'StorageV2' },
    keys: [],
    createdAt: T0,
    updatedAt: T0,
  });
  await s.blobs.createContainer({ account: name, name: 'c1', metadata: {}, etag: '"1"', createdAt: T0 });
  await s.blobs.putBlob(
    {
      account: name,
      container: 'c1',
      name: 'b',
      size: 2,
      properties: {},
      metadata: {},
      etag: '"2"',
      createdAt: T0,
      updatedAt: T0,
    },
    Buffer.from('hi'),
  );
  await s.blobs.putBlock(name, 'c1', 'staged', 'blk', Buffer.from('x'), T0);
  const onContainer = await assignOn(s, `${id}/blobServices/default/containers/c1`);
  return {
    id,
    remains: () =>
      all([
        gone('account', s.storageAccounts.get(id)),
        gone('container', s.blobs.getContainer(name, 'c1')),
        gone('blob', s.blobs.getBlob(name, 'c1', 'b')),
        s.blobs.countBlocks(name, 'c1', 'staged').then((n) => (n ? ['uncommitted block'] : [])),
        gone('assignment on a container', s.roleAssignments.get(onContainer)),
      ]),
  };
};

const registrySeed: Seed = async (s, sub, rg) => {
  const name = `cr${randomBytes(6).toString('hex')}`;
  const id = `/subscriptions/${sub}/resourceGroups/${rg}/providers/Microsoft.ContainerRegistry/registries/${name}`;
  await s.containerRegistries.create({
    id,
    subscriptionId: sub,
    resourceGroup: rg,
    name,
    location: 'westeurope',
    tags: {},
    body: { sku: { name: 'Basic' } },
    createdAt: T0,
    updatedAt: T0,
  });
  const onRegistry = await assignOn(s, id);
  return {
    id,
    remains: () =>
      all([
        gone('registry', s.containerRegistries.get(id)),
        gone('assignment on the registry', s.roleAssignments.get(onRegistry)),
      ]),
  };
};

/** How to make one of each served type with its dependents. A type added to RESOURCE_KINDS needs one here. */
const SEEDS: Record<string, Seed> = {
  ...Object.fromEntries(COMPUTE_TYPES.map((t) => [t.type, computeSeed(t.type)])),
  'Microsoft.ManagedIdentity/userAssignedIdentities': identitySeed,
  [KEY_VAULT_TYPE]: vaultSeed,
  'Microsoft.Storage/storageAccounts': storageSeed,
  'Microsoft.ContainerRegistry/registries': registrySeed,
};

async function seedGroup(s: Store, sub: string, rg: string): Promise<Map<string, Seeded>> {
  await s.resourceGroups.create(resourceGroup(sub, rg));
  const seeded = new Map<string, Seeded>();
  for (const type of RESOURCE_TYPES) seeded.set(type, await SEEDS[type]!(s, sub, rg));
  return seeded;
}

const listAll = async (s: Store, sub: string, rg?: string) =>
  (
    await Promise.all(
      RESOURCE_KINDS.map((k) =>
        k.list(s, { subscriptionId: sub, ...(rg !== undefined ? { resourceGroup: rg } : {}) }, 1000),
      ),
    )
  ).flatMap((p) => p.items);

const remainsOf = (seeded: Map<string, Seeded>) => Promise.all([...seeded.values()].map((s) => s.remains()));

export function resourceCascadeContract(newStore: () => Promise<Store>): void {
  describe('resource kinds: group deletion and listing over every served type', () => {
    const store = useStore(newStore);

    it('has a cascade fixture for every served type', () => {
      assert.deepEqual(
        RESOURCE_TYPES.filter((t) => !SEEDS[t]),
        [],
        'add a seed (resource + dependents) for each new type and make its kind delete them',
      );
    });

    it('deleting a group removes every resource of every type with what hangs off it, in one transaction, each removal logged', async () => {
      const sub = mixedGuid();
      const seeded = await seedGroup(store(), sub, 'Doomed');
      const neighbour = await seedGroup(store(), sub, 'Neighbour');
      const outside = await assignOn(store(), `/subscriptions/${sub}/resourceGroups/Neighbour`);
      const atGroup = await assignOn(store(), `/subscriptions/${sub}/resourceGroups/Doomed`);
      const neighbourBefore = await remainsOf(neighbour);
      const batch = new ChangeBatch(new ManualClock(), { principalId: 'tester', correlationId: 'c' });
      await store().tx(async (tx) => {
        await deleteGroupContents(tx, batch, (await tx.resourceGroups.get(sub, 'doomed'))!);
        await tx.resourceGroups.delete(sub, 'Doomed');
      });
      for (const [type, s] of seeded) {
        assert.deepEqual(await s.remains(), [], `${type}: left behind`);
        assert.ok(
          batch.pending.some(
            (c) => c.resourceId === s.id && c.operation.toLowerCase() === `${type}/delete`.toLowerCase(),
          ),
          `${type}: deletion not logged`,
        );
      }
      assert.equal(await store().roleAssignments.get(atGroup), undefined);
      assert.ok(
        batch.pending.some(
          (c) => c.resourceId === atGroup && c.operation === 'Microsoft.Authorization/roleAssignments/delete',
        ),
      );
      await store().resourceGroups.create(resourceGroup(sub, 'Doomed'));
      assert.deepEqual(await listAll(store(), sub, 'Doomed'), [], 'a group of the same name starts empty');
      assert.deepEqual(await remainsOf(neighbour), neighbourBefore, 'the neighbouring group is untouched');
      assert.equal((await listAll(store(), sub, 'Neighbour')).length, RESOURCE_TYPES.length);
      assert.ok(await store().roleAssignments.get(outside));
    });

    it('a failing deletion leaves the whole group in place', async () => {
      const sub = mixedGuid();
      const seeded = await seedGroup(store(), sub, 'kept');
      const before = await remainsOf(seeded);
      await assert.rejects(
        store().tx(async (tx) => {
          await deleteGroupContents(
            tx,
            new ChangeBatch(new ManualClock(), { principalId: 't', correlationId: 'c' }),
            (await tx.resourceGroups.get(sub, 'kept'))!,
          );
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.deepEqual(await remainsOf(seeded), before);
    });

    it('every kind lists in one order and continues right after resourceCursor(name, id) of any resource', async () => {
      const sub = mixedGuid();
      await seedGroup(store(), sub, 'rg-a');
      await seedGroup(store(), sub, 'rg-b');
      const merged = (await listAll(store(), sub)).sort(compareListingKeys);
      assert.equal(merged.length, 2 * RESOURCE_TYPES.length);
      const pivot = merged[Math.floor(merged.length / 2)]!;
      const rest = (
        await Promise.all(
          RESOURCE_KINDS.map((k) =>
            k.list(store(), { subscriptionId: sub }, 1000, resourceCursor(pivot.name.toUpperCase(), pivot.id)),
          ),
        )
      ).flatMap((p) => p.items);
      assert.deepEqual(
        rest.sort(compareListingKeys).map((r) => r.id),
        merged.slice(merged.indexOf(pivot) + 1).map((r) => r.id),
      );
    });
  });
}
