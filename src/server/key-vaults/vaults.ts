import { conflict, invalid } from '../../kernel/errors.js';
import type { Clock } from '../../kernel/clock.js';
import type { KeyVaultRecord } from '../../store/key-vault.js';
import type { Page, ResourceListing, Store, StoreRepos } from '../../store/store.js';
import type { Actor, ChangeRecorder } from '../audit/changes.js';
import { changeInTransaction } from '../audit/changes-batch.js';
import { deleteResource } from '../resources/group-contents.js';
import { isKnownLocation, normalizeLocation } from '../resource-base/locations.js';
import { KEY_VAULT_TYPE as TYPE } from '../resources/resource-kinds.js';
import { requireResource, requireScope } from '../resource-base/scope-checks.js';
import { checkTags } from '../resource-base/tags.js';

/** Azure's rule (3-24 letters, digits and single dashes, starting with a letter); it also keeps every vault name a valid DNS label. */
const VAULT_NAME = /^(?!.*--)[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
const VAULT_NAME_RULE =
  'Vault names are 3-24 characters: letters, digits and dashes, starting with a letter, ending with a letter or digit, without consecutive dashes.';

export interface VaultAddress {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/** A PUT or PATCH body, as far as openmi models a vault. */
export interface VaultInput {
  location?: unknown;
  tags?: unknown;
  properties?: unknown;
}

export const vaultIdOf = (a: VaultAddress): string =>
  `/subscriptions/${a.subscriptionId}/resourceGroups/${a.resourceGroup}/providers/${TYPE}/${a.name}`;

/** The sku a PUT or PATCH body names, if any. Only RBAC is modelled: access policies would be a second, silently ignored, permission system. */
function skuOf(b: VaultInput): string | undefined {
  const props = (b.properties ?? {}) as { sku?: { name?: unknown }; enableRbacAuthorization?: unknown };
  if (props.enableRbacAuthorization === false)
    throw invalid('Only enableRbacAuthorization: true is supported.', { code: 'BadRequest' });
  return typeof props.sku?.name === 'string' ? props.sku.name : undefined;
}

/**
 * `Microsoft.KeyVault/vaults` on the control plane. Every write and its activity row commit in one
 * transaction (docs/audit.md); secrets are the data plane's (secrets.ts).
 */
export class KeyVaultService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly recorder: ChangeRecorder,
    private readonly tenantId: string,
  ) {}

  async get(a: VaultAddress, repos: StoreRepos = this.store): Promise<KeyVaultRecord> {
    return requireResource(repos, a, TYPE, await repos.keyVaults.get(vaultIdOf(a)));
  }

  list(where: ResourceListing, limit: number, after?: string): Promise<Page<KeyVaultRecord>> {
    return this.store.keyVaults.list(where, limit, after);
  }

  /** Vault names are global: taken anywhere, by any subscription, is taken (Azure adds soft-deleted vaults; openmi has none). */
  async nameAvailability(
    name: string,
  ): Promise<{ nameAvailable: boolean; reason?: 'AccountNameInvalid' | 'AlreadyExists'; message?: string }> {
    if (!VAULT_NAME.test(name))
      return {
        nameAvailable: false,
        reason: 'AccountNameInvalid',
        message: `Vault name '${name}' is invalid. ${VAULT_NAME_RULE}`,
      };
    if (await this.store.keyVaults.getByName(name))
      return {
        nameAvailable: false,
        reason: 'AlreadyExists',
        message: `The vault name '${name}' is already in use. Vault names are globally unique; choose another name.`,
      };
    return { nameAvailable: true };
  }

  /** PUT: creates the vault, or replaces tags and sku of an existing one. */
  async put(a: VaultAddress, b: VaultInput, actor: Actor): Promise<{ vault: KeyVaultRecord; created: boolean }> {
    if (!VAULT_NAME.test(a.name))
      throw invalid(`Vault name '${a.name}' is invalid. ${VAULT_NAME_RULE}`, { code: 'VaultNameNotValid' });
    const sku = skuOf(b) ?? 'standard';
    const tags = checkTags(b.tags);
    return changeInTransaction(this, actor, async (tx, batch) => {
      const existing = await tx.keyVaults.get(vaultIdOf(a));
      const now = this.clock.now();
      if (existing) {
        const vault = { ...existing, tags, sku, updatedAt: now };
        await tx.keyVaults.update(vault);
        batch.add(`${TYPE}/write`, existing.id, { created: false, tags });
        return { vault, created: false };
      }
      const vault = await this.create(tx, a, b.location, { tags, sku, now });
      batch.add(`${TYPE}/write`, vault.id, { created: true, tags });
      return { vault, created: true };
    });
  }

  private async create(
    tx: StoreRepos,
    a: VaultAddress,
    rawLocation: unknown,
    f: { tags: Record<string, string>; sku: string; now: number },
  ): Promise<KeyVaultRecord> {
    await requireScope(tx, a.subscriptionId, a.resourceGroup);
    const location = typeof rawLocation === 'string' ? normalizeLocation(rawLocation) : '';
    if (!isKnownLocation(location))
      throw invalid(`The location '${String(rawLocation)}' is not available.`, {
        code: 'LocationNotAvailableForResourceType',
      });
    if (await tx.keyVaults.getByName(a.name))
      throw conflict(`The vault name '${a.name}' is already in use.`, { code: 'VaultAlreadyExists' });
    const vault: KeyVaultRecord = {
      id: vaultIdOf(a),
      subscriptionId: a.subscriptionId,
      resourceGroup: a.resourceGroup,
      name: a.name,
      location,
      tags: f.tags,
      tenantId: this.tenantId,
      sku: f.sku,
      createdAt: f.now,
      updatedAt: f.now,
    };
    await tx.keyVaults.create(vault);
    return vault;
  }

  /** PATCH (`vaults.update`, `az keyvault update`): tags replaced when given, the sku when named. */
  async patch(a: VaultAddress, b: VaultInput, actor: Actor): Promise<KeyVaultRecord> {
    return changeInTransaction(this, actor, async (tx, batch) => {
      const v = await this.get(a, tx);
      const next = {
        ...v,
        tags: b.tags === undefined ? v.tags : checkTags(b.tags),
        sku: skuOf(b) ?? v.sku,
        updatedAt: this.clock.now(),
      };
      await tx.keyVaults.update(next);
      batch.add(`${TYPE}/write`, next.id, { created: false, tags: next.tags });
      return next;
    });
  }

  /** Deletes the vault with its secrets and the role assignments made on it. False when absent. */
  delete(a: VaultAddress, actor: Actor): Promise<boolean> {
    return deleteResource(this, actor, TYPE, vaultIdOf(a));
  }
}
