import type { ChangeBatch } from '../audit/changes-batch.js';
import { deleteIdentityCascade, UAI_TYPE } from '../identities/user-assigned.js';
import { STORAGE_TYPE } from '../storage-accounts/accounts.js';
import type { ComputeResourceRecord, UserAssignedIdentityRecord } from '../../store/records.js';
import type { KeyVaultRecord } from '../../store/key-vault.js';
import type { StorageAccountRecord } from '../../store/storage.js';
import type { ContainerRegistryRecord } from '../../store/registry.js';
import type { Page, ResourceListing, StoreRepos } from '../../store/store.js';
import { deleteComputeCascade } from './compute.js';
import { COMPUTE_TYPES, computeType } from '../../wire/compute-types.js';
import { removeAssignmentsAtOrBelow } from '../resource-base/scope-assignments.js';

export const KEY_VAULT_TYPE = 'Microsoft.KeyVault/vaults';
export const REGISTRY_TYPE = 'Microsoft.ContainerRegistry/registries';

/** A top-level ARM resource of any type, as Resources – List and a group's deletion see it. */
export interface ArmResource {
  id: string;
  type: string;
  name: string;
  subscriptionId: string;
  resourceGroup: string;
  location: string;
  tags: Record<string, string>;
  createdAt: number;
  updatedAt: number;
  /** `kind`, `sku`, `plan`, `managedBy` as the resource's own body has them. */
  extras: Record<string, unknown>;
  /** The identities it carries (compute resources). */
  identity?: { systemPrincipalId: string | null; userAssignedIdentityIds: string[] };
}

/**
 * One kind of top-level resource openmi serves: how to list it and how to delete it with
 * everything that hangs off it. Every top-level type the ARM route table serves is in exactly one
 * kind (a test holds the route table to that), so a group's deletion and Resources – List cannot
 * miss a type.
 */
export interface ResourceKind {
  /** The ARM types this kind stores (one table may hold several). */
  readonly types: readonly string[];
  /** One page in listing order (name, then id; see listing-cursor.ts); `type` narrows a multi-type kind. */
  list(
    repos: StoreRepos,
    where: ResourceListing & { type?: string },
    limit: number,
    after?: string,
  ): Promise<Page<ArmResource>>;
  /**
   * Deletes the resource and what depends on it (data, credentials, agents, the role assignments
   * made on it), each removal recorded in `batch`. Call inside one transaction. False when absent.
   */
  delete(tx: StoreRepos, batch: ChangeBatch, id: string): Promise<boolean>;
}

const EXTRAS = ['kind', 'sku', 'plan', 'managedBy'] as const;
const extrasOf = (body: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(EXTRAS.filter((k) => body[k] !== undefined && body[k] !== null).map((k) => [k, body[k]]));

function summary(
  r: {
    id: string;
    name: string;
    subscriptionId: string;
    resourceGroup: string;
    location: string;
    tags: Record<string, string>;
    createdAt: number;
    updatedAt: number;
  },
  type: string,
  extras: Record<string, unknown> = {},
): ArmResource {
  return {
    id: r.id,
    type,
    name: r.name,
    subscriptionId: r.subscriptionId,
    resourceGroup: r.resourceGroup,
    location: r.location,
    tags: r.tags,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    extras,
  };
}

const mapPage = <R>(p: Page<R>, f: (r: R) => ArmResource): Page<ArmResource> => ({
  items: p.items.map(f),
  ...(p.next ? { next: p.next } : {}),
});

const computeSummary = (r: ComputeResourceRecord): ArmResource => ({
  ...summary(r, computeType(r.type)?.type ?? r.type, extrasOf(r.body)),
  identity: { systemPrincipalId: r.systemPrincipalId, userAssignedIdentityIds: r.userAssignedIdentityIds },
});

const compute: ResourceKind = {
  types: COMPUTE_TYPES.map((t) => t.type),
  list: async (repos, where, limit, after) =>
    mapPage(await repos.computeResources.list(where, limit, after), computeSummary),
  async delete(tx, batch, id) {
    const r = await tx.computeResources.get(id);
    if (r) await deleteComputeCascade(tx, batch, r);
    return !!r;
  },
};

const identities: ResourceKind = {
  types: [UAI_TYPE],
  list: async (repos, where, limit, after) =>
    mapPage(await repos.identities.list(where, limit, after), (i: UserAssignedIdentityRecord) => summary(i, UAI_TYPE)),
  async delete(tx, batch, id) {
    const i = await tx.identities.get(id);
    if (i) await deleteIdentityCascade(tx, batch, i);
    return !!i;
  },
};

/** Its secrets, keys and certificates (every version, soft-deleted ones too) go with the vault, in the store's delete. */
const keyVaults: ResourceKind = {
  types: [KEY_VAULT_TYPE],
  list: async (repos, where, limit, after) =>
    mapPage(await repos.keyVaults.list(where, limit, after), (v: KeyVaultRecord) => summary(v, KEY_VAULT_TYPE)),
  async delete(tx, batch, id) {
    const v = await tx.keyVaults.get(id);
    if (!v) return false;
    const secrets = (await tx.keyVaultSecrets.listLatest(v.id)).length;
    const keys = (await tx.keyVaultKeys.listLatest(v.id)).length;
    const certificates = (await tx.keyVaultCertificates.listLatest(v.id)).length;
    await removeAssignmentsAtOrBelow(tx, batch, v.id, 'vault deleted');
    await tx.keyVaults.delete(v.id);
    batch.add(`${KEY_VAULT_TYPE}/delete`, v.id, { secrets, keys, certificates });
    return true;
  },
};

/** Its containers, blobs and uncommitted blocks go with the account, in the store's delete. */
const storageAccounts: ResourceKind = {
  types: [STORAGE_TYPE],
  list: async (repos, where, limit, after) =>
    mapPage(await repos.storageAccounts.list(where, limit, after), (a: StorageAccountRecord) =>
      summary(a, STORAGE_TYPE, extrasOf(a.body)),
    ),
  async delete(tx, batch, id) {
    const a = await tx.storageAccounts.get(id);
    if (!a) return false;
    await removeAssignmentsAtOrBelow(tx, batch, a.id, 'storage account deleted');
    await tx.storageAccounts.delete(a.id);
    batch.add(`${STORAGE_TYPE}/delete`, a.id);
    return true;
  },
};

/** The images live in the Distribution registry; openmi keeps the resource and its assignments. */
const registries: ResourceKind = {
  types: [REGISTRY_TYPE],
  list: async (repos, where, limit, after) =>
    mapPage(await repos.containerRegistries.list(where, limit, after), (r: ContainerRegistryRecord) =>
      summary(r, REGISTRY_TYPE, extrasOf(r.body)),
    ),
  async delete(tx, batch, id) {
    const r = await tx.containerRegistries.get(id);
    if (!r) return false;
    await removeAssignmentsAtOrBelow(tx, batch, r.id, 'registry deleted');
    await tx.containerRegistries.delete(r.id);
    batch.add(`${REGISTRY_TYPE}/delete`, r.id);
    return true;
  },
};

/** Every kind, in the order a group's deletion takes them: resources that carry identities before the identities. */
export const RESOURCE_KINDS: readonly ResourceKind[] = [compute, identities, keyVaults, storageAccounts, registries];

/** Every top-level ARM type openmi serves. */
export const RESOURCE_TYPES: readonly string[] = RESOURCE_KINDS.flatMap((k) => k.types);

export function kindOf(type: string): ResourceKind | undefined {
  const t = type.toLowerCase();
  return RESOURCE_KINDS.find((k) => k.types.some((x) => x.toLowerCase() === t));
}
