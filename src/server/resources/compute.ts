import type { Actor, ChangeRecorder } from '../audit/changes.js';
import { changeInTransaction, type ChangeBatch } from '../audit/changes-batch.js';
import { requireResource, requireScope } from '../resource-base/scope-checks.js';
import type { Clock } from '../../kernel/clock.js';
import type { Random } from '../../kernel/ids.js';
import { invalid } from '../../kernel/errors.js';
import { createIdentityPrincipal, retireIdentityPrincipal } from '../identities/principals.js';
import type { ComputeResourceRecord } from '../../store/records.js';
import type { Page, ResourceListing, Store, StoreRepos } from '../../store/store.js';
import type { ComputeType } from '../../wire/compute-types.js';
import { applyIdentityRequest, type IdentityState } from './identity-block.js';
import { isKnownLocation, LOCATIONS, normalizeLocation } from '../resource-base/locations.js';
import { checkTags } from '../resource-base/tags.js';
import { removeAssignmentsAtOrBelow } from '../resource-base/scope-assignments.js';

export interface ResourceAddress {
  subscriptionId: string;
  resourceGroup: string;
  type: ComputeType;
  name: string;
}

/** Checks the caller may attach these user-assigned identities (LinkedAuthorizationFailed otherwise). */
export type AttachCheck = (identityIds: string[]) => Promise<void>;

const NAME = /^[A-Za-z0-9]([A-Za-z0-9._-]{0,62}[A-Za-z0-9_])?$/;
const RESERVED = new Set(['id', 'name', 'type', 'location', 'tags', 'identity']);

export const resourceIdOf = (a: ResourceAddress) =>
  `/subscriptions/${a.subscriptionId}/resourceGroups/${a.resourceGroup}/providers/${a.type.type}/${a.name}`;

const stateOf = (r: ComputeResourceRecord | undefined): IdentityState => ({
  system: !!r?.systemPrincipalId,
  userAssigned: r?.userAssignedIdentityIds ?? [],
});

function splitBody(body: unknown): {
  location: unknown;
  tags: unknown;
  identity: unknown;
  rest: Record<string, unknown>;
} {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('The request content must be a JSON object.', { code: 'InvalidRequestContent' });
  const b = body as Record<string, unknown>;
  const rest = Object.fromEntries(Object.entries(b).filter(([k]) => !RESERVED.has(k)));
  return { location: b['location'], tags: b['tags'], identity: b['identity'], rest };
}

/**
 * Compute resources that carry identities. Enabling system-assigned creates its principal;
 * disabling it or deleting the resource retires it (role assignments included). Other properties
 * are stored and returned as given.
 */
export class ComputeResourceService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
    private readonly random: Random,
    readonly recorder: ChangeRecorder,
    private readonly tenantId: string,
  ) {}

  async get(a: ResourceAddress): Promise<ComputeResourceRecord> {
    return requireResource(this.store, a, a.type.type, await this.store.computeResources.get(resourceIdOf(a)));
  }

  async list(
    where: ResourceListing,
    type: ComputeType,
    limit: number,
    after?: string,
  ): Promise<Page<ComputeResourceRecord>> {
    await requireScope(this.store, where.subscriptionId, where.resourceGroup);
    return this.store.computeResources.list({ ...where, type: type.type }, limit, after);
  }

  /** PUT (full replacement of properties and tags) or PATCH (merge). */
  async write(
    a: ResourceAddress,
    body: unknown,
    mode: 'put' | 'patch',
    actor: Actor,
    checkAttach: AttachCheck,
  ): Promise<{ resource: ComputeResourceRecord; created: boolean }> {
    const parts = splitBody(body);
    const existing = await this.store.computeResources.get(resourceIdOf(a));
    if (!existing && mode === 'patch') await this.get(a);
    if (!existing && !NAME.test(a.name)) {
      throw invalid(
        `The resource name '${a.name}' is invalid. It must be 1-64 letters, digits, '.', '_' or '-', start with a letter or digit and not end with '.' or '-'.`,
        { code: 'InvalidResourceName', target: 'resourceName' },
      );
    }
    const location = this.checkLocation(parts.location, existing, mode);
    const current = stateOf(existing);
    const next =
      parts.identity === undefined || parts.identity === null
        ? current
        : applyIdentityRequest(current, parts.identity, mode, a.type);
    const attaching = next.userAssigned.filter(
      (id) => !current.userAssigned.some((c) => c.toLowerCase() === id.toLowerCase()),
    );
    await this.requireIdentitiesExist(attaching);
    await checkAttach(attaching);
    const resource = await changeInTransaction(this, actor, (tx, batch) =>
      this.commit(tx, batch, { a, existing, location, parts, next, mode }),
    );
    return { resource, created: !existing };
  }

  private checkLocation(raw: unknown, existing: ComputeResourceRecord | undefined, mode: 'put' | 'patch'): string {
    if (existing) {
      if (raw !== undefined && normalizeLocation(String(raw)) !== existing.location) {
        throw invalid(`The location of '${existing.name}' is '${existing.location}' and cannot be changed.`, {
          code: 'InvalidResourceLocation',
          target: 'location',
        });
      }
      return existing.location;
    }
    if (mode === 'put' && (typeof raw !== 'string' || !raw.trim()))
      throw invalid("The 'location' property is required when creating a resource.", {
        code: 'LocationRequired',
        target: 'location',
      });
    if (!isKnownLocation(String(raw)))
      throw invalid(
        `The provided location '${String(raw)}' is not available. Available locations: ${LOCATIONS.join(', ')}.`,
        { code: 'LocationNotAvailableForResourceType', target: 'location' },
      );
    return normalizeLocation(String(raw));
  }

  private async requireIdentitiesExist(ids: string[]): Promise<void> {
    for (const id of ids) {
      if (!(await this.store.identities.get(id))) {
        throw invalid(
          `The user-assigned identity '${id}' does not exist. Create it first (openmi identity create) or fix the resource id in identity.userAssignedIdentities.`,
          { code: 'FailedIdentityOperation', target: 'identity.userAssignedIdentities' },
        );
      }
    }
  }

  private async commit(
    tx: StoreRepos,
    batch: ChangeBatch,
    w: {
      a: ResourceAddress;
      existing: ComputeResourceRecord | undefined;
      location: string;
      parts: ReturnType<typeof splitBody>;
      next: IdentityState;
      mode: 'put' | 'patch';
    },
  ): Promise<ComputeResourceRecord> {
    const { a, existing, parts, next } = w;
    await requireScope(tx, a.subscriptionId, a.resourceGroup);
    const id = existing?.id ?? resourceIdOf(a);
    let systemPrincipalId = existing?.systemPrincipalId ?? null;
    if (next.system && !systemPrincipalId) {
      systemPrincipalId = (await createIdentityPrincipal(tx, this.clock, this.random, this.tenantId, id, a.name))
        .objectId;
      batch.add(`${a.type.type}/write`, id, { systemAssigned: 'enabled', principalId: systemPrincipalId });
    } else if (!next.system && systemPrincipalId) {
      await retireIdentityPrincipal(tx, batch, systemPrincipalId);
      batch.add(`${a.type.type}/write`, id, { systemAssigned: 'disabled', principalId: systemPrincipalId });
      systemPrincipalId = null;
    }
    const now = this.clock.now();
    const record: ComputeResourceRecord = {
      id,
      subscriptionId: a.subscriptionId,
      resourceGroup: existing?.resourceGroup ?? a.resourceGroup,
      type: a.type.type,
      name: existing?.name ?? a.name,
      location: w.location,
      tags: parts.tags !== undefined || w.mode === 'put' ? checkTags(parts.tags) : (existing?.tags ?? {}),
      body: w.mode === 'put' ? parts.rest : { ...(existing?.body ?? {}), ...parts.rest },
      systemPrincipalId,
      userAssignedIdentityIds: next.userAssigned,
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    if (existing) await tx.computeResources.update(record);
    else await tx.computeResources.create(record);
    const before = new Set((existing?.userAssignedIdentityIds ?? []).map((i) => i.toLowerCase()));
    const after = new Set(next.userAssigned.map((i) => i.toLowerCase()));
    batch.add(`${a.type.type}/write`, id, {
      created: !existing,
      attached: next.userAssigned.filter((i) => !before.has(i.toLowerCase())),
      detached: (existing?.userAssignedIdentityIds ?? []).filter((i) => !after.has(i.toLowerCase())),
    });
    return record;
  }

  async delete(a: ResourceAddress, actor: Actor): Promise<boolean> {
    return changeInTransaction(this, actor, async (tx, batch) => {
      const r = await tx.computeResources.get(resourceIdOf(a));
      if (!r) return false;
      await deleteComputeCascade(tx, batch, r);
      return true;
    });
  }
}

/** Deletes a resource: its system-assigned identity, agents, join tokens and the role assignments made on it go with it; user-assigned identities survive. */
export async function deleteComputeCascade(
  tx: StoreRepos,
  batch: ChangeBatch,
  r: ComputeResourceRecord,
): Promise<void> {
  if (r.systemPrincipalId) await retireIdentityPrincipal(tx, batch, r.systemPrincipalId);
  await tx.joinTokens.deleteForResource(r.id);
  await tx.agents.deleteForResource(r.id);
  await removeAssignmentsAtOrBelow(tx, batch, r.id, 'resource deleted');
  await tx.computeResources.delete(r.id);
  batch.add(`${r.type}/delete`, r.id, { systemPrincipalId: r.systemPrincipalId, detached: r.userAssignedIdentityIds });
}
