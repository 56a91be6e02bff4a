import type { Actor, ChangeRecorder } from '../audit/changes.js';
import { changeInTransaction, type ChangeBatch } from '../audit/changes-batch.js';
import { requireResource, requireScope } from '../resource-base/scope-checks.js';
import type { Clock } from '../../kernel/clock.js';
import type { Random } from '../../kernel/ids.js';
import { invalid } from '../../kernel/errors.js';
import { isKnownLocation, LOCATIONS, normalizeLocation } from '../resource-base/locations.js';
import { checkTags } from '../resource-base/tags.js';
import { removeAssignmentsAtOrBelow } from '../resource-base/scope-assignments.js';
import type { UserAssignedIdentityRecord } from '../../store/records.js';
import type { Page, ResourceListing, Store, StoreRepos } from '../../store/store.js';
import { checkIdentityName } from './names.js';
import { createIdentityPrincipal, retireIdentityPrincipal } from './principals.js';

export const UAI_TYPE = 'Microsoft.ManagedIdentity/userAssignedIdentities';
const OP = UAI_TYPE;

export interface IdentityInput {
  location?: unknown;
  tags?: unknown;
  isolationScope?: unknown;
}

export interface IdentityAddress {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

export const identityId = (a: IdentityAddress) =>
  `/subscriptions/${a.subscriptionId}/resourceGroups/${a.resourceGroup}/providers/${UAI_TYPE}/${a.name}`;

function checkIsolationScope(v: unknown, current = 'None'): string {
  if (v === undefined || v === null) return current;
  if (v === 'None' || v === 'Regional') return v;
  throw invalid(`isolationScope '${String(v)}' is not supported: use 'None' or 'Regional'.`, {
    code: 'InvalidRequestContent',
    target: 'properties.isolationScope',
  });
}

function checkLocation(v: unknown): string {
  if (typeof v !== 'string' || !v.trim())
    throw invalid("The 'location' property is required when creating a user-assigned identity.", {
      code: 'LocationRequired',
      target: 'location',
    });
  if (!isKnownLocation(v)) {
    throw invalid(
      `The provided location '${v}' is not available for resource type '${UAI_TYPE}'. Available locations: ${LOCATIONS.join(', ')}.`,
      { code: 'LocationNotAvailableForResourceType', target: 'location' },
    );
  }
  return normalizeLocation(v);
}

/**
 * User-assigned identities. The identity and its service principal are created in one
 * transaction, so a role assignment made right after creation never sees PrincipalNotFound.
 * principalId, clientId and tenantId never change after creation.
 */
export class UserAssignedIdentityService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
    private readonly random: Random,
    readonly recorder: ChangeRecorder,
    private readonly tenantId: string,
  ) {}

  async get(a: IdentityAddress): Promise<UserAssignedIdentityRecord> {
    return requireResource(this.store, a, UAI_TYPE, await this.store.identities.get(identityId(a)));
  }

  async put(
    a: IdentityAddress,
    input: IdentityInput,
    actor: Actor,
  ): Promise<{ identity: UserAssignedIdentityRecord; created: boolean }> {
    checkIdentityName(a.name);
    const location = checkLocation(input.location);
    const tags = checkTags(input.tags);
    return changeInTransaction(this, actor, async (tx, batch) => {
      await requireScope(tx, a.subscriptionId, a.resourceGroup);
      const result = await this.upsert(tx, a, location, tags, input.isolationScope);
      batch.add(`${OP}/write`, result.identity.id, {
        created: result.created,
        principalId: result.identity.principalId,
        clientId: result.identity.clientId,
        tags,
      });
      return result;
    });
  }

  private async upsert(
    tx: StoreRepos,
    a: IdentityAddress,
    location: string,
    tags: Record<string, string>,
    isolationScope: unknown,
  ) {
    const existing = await tx.identities.get(identityId(a));
    if (!existing)
      return { identity: await this.create(tx, a, location, tags, checkIsolationScope(isolationScope)), created: true };
    if (existing.location !== location) {
      throw invalid(
        `The location of user-assigned identity '${a.name}' is '${existing.location}' and cannot be changed to '${location}'. Delete and re-create it to move it.`,
        { code: 'InvalidResourceLocation', target: 'location' },
      );
    }
    const identity = {
      ...existing,
      tags,
      isolationScope: checkIsolationScope(isolationScope, existing.isolationScope),
      updatedAt: this.clock.now(),
    };
    await tx.identities.update(identity);
    return { identity, created: false };
  }

  private async create(
    tx: StoreRepos,
    a: IdentityAddress,
    location: string,
    tags: Record<string, string>,
    isolationScope: string,
  ): Promise<UserAssignedIdentityRecord> {
    const id = identityId(a);
    const principal = await createIdentityPrincipal(tx, this.clock, this.random, this.tenantId, id, a.name);
    const now = this.clock.now();
    const identity: UserAssignedIdentityRecord = {
      id,
      subscriptionId: a.subscriptionId,
      resourceGroup: a.resourceGroup,
      name: a.name,
      location,
      tags,
      isolationScope,
      principalId: principal.objectId,
      clientId: principal.appId,
      tenantId: this.tenantId,
      createdAt: now,
      updatedAt: now,
    };
    await tx.identities.create(identity);
    return identity;
  }

  /** PATCH: tags (replaced as a whole) and isolationScope; location is create-only. */
  async patch(a: IdentityAddress, input: IdentityInput, actor: Actor): Promise<UserAssignedIdentityRecord> {
    return changeInTransaction(this, actor, async (tx, batch) => {
      const existing = await requireResource(tx, a, UAI_TYPE, await tx.identities.get(identityId(a)));
      if (input.location !== undefined && normalizeLocation(String(input.location)) !== existing.location) {
        throw invalid(`The location of user-assigned identity '${a.name}' cannot be changed.`, {
          code: 'InvalidResourceLocation',
          target: 'location',
        });
      }
      const identity = {
        ...existing,
        tags: input.tags !== undefined ? checkTags(input.tags) : existing.tags,
        isolationScope: checkIsolationScope(input.isolationScope, existing.isolationScope),
        updatedAt: this.clock.now(),
      };
      await tx.identities.update(identity);
      batch.add(`${OP}/write`, identity.id, { tags: identity.tags });
      return identity;
    });
  }

  async list(where: ResourceListing, limit: number, after?: string): Promise<Page<UserAssignedIdentityRecord>> {
    await requireScope(this.store, where.subscriptionId, where.resourceGroup);
    return this.store.identities.list(where, limit, after);
  }

  /** Deletes the identity and, in the same transaction, everything that gave it power. */
  async delete(a: IdentityAddress, actor: Actor): Promise<boolean> {
    return changeInTransaction(this, actor, async (tx, batch) => {
      const identity = await tx.identities.get(identityId(a));
      if (!identity) return false;
      await deleteIdentityCascade(tx, batch, identity);
      return true;
    });
  }
}

/** Detaches the identity everywhere, drops its credentials, its role assignments and those made on it, then deletes it. */
export async function deleteIdentityCascade(
  tx: StoreRepos,
  batch: ChangeBatch,
  identity: UserAssignedIdentityRecord,
): Promise<void> {
  const key = identity.id.toLowerCase();
  for (const r of await tx.computeResources.listByUserAssignedIdentity(identity.id)) {
    const remaining = r.userAssignedIdentityIds.filter((i) => i.toLowerCase() !== key);
    await tx.computeResources.update({ ...r, userAssignedIdentityIds: remaining, updatedAt: batch.now() });
    batch.add(`${r.type}/write`, r.id, { reason: 'user-assigned identity deleted', detached: [identity.id] });
  }
  let page = await tx.federatedCredentials.list(identity.id, 1000);
  for (;;) {
    for (const f of page.items)
      batch.add(`${OP}/federatedIdentityCredentials/delete`, f.id, { reason: 'identity deleted' });
    if (!page.next) break;
    page = await tx.federatedCredentials.list(identity.id, 1000, page.next);
  }
  await tx.federatedCredentials.deleteForIdentity(identity.id);
  await retireIdentityPrincipal(tx, batch, identity.principalId);
  await removeAssignmentsAtOrBelow(tx, batch, identity.id, 'identity deleted');
  await tx.identities.delete(identity.id);
  batch.add(`${OP}/delete`, identity.id, { principalId: identity.principalId, clientId: identity.clientId });
}
