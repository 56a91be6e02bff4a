import type { Actor, ChangeRecorder } from '../audit/changes.js';
import { changeInTransaction } from '../audit/changes-batch.js';
import type { Clock } from '../../kernel/clock.js';
import { deleteGroupContents } from './group-contents.js';
import { DomainError, invalid, notFound } from '../../kernel/errors.js';
import type { ResourceGroupRecord } from '../../store/records.js';
import type { Page, Store, StoreRepos } from '../../store/store.js';
import { isKnownLocation, LOCATIONS, normalizeLocation } from '../resource-base/locations.js';
import { checkTags } from '../resource-base/tags.js';

/** 1–90 characters: Unicode letters and digits, `_ ( ) - .`, not ending with `.` (docs/wire/arm.md, names). */
const RG_NAME = /^[\p{L}\p{N}_().-]{1,90}$/u;

export interface ResourceGroupInput {
  location?: unknown;
  tags?: unknown;
  managedBy?: unknown;
}

export function checkResourceGroupName(name: string): void {
  if (!RG_NAME.test(name) || name.endsWith('.')) {
    throw invalid(
      `Resource group name '${name}' is invalid. It must be 1-90 characters of letters, digits, underscores, parentheses, hyphens and periods, and may not end with a period.`,
      { code: 'InvalidResourceGroupName', target: 'resourceGroupName' },
    );
  }
}

function checkLocation(location: unknown): string {
  if (typeof location !== 'string' || location.trim() === '') {
    throw invalid("The 'location' property is required when creating a resource group.", {
      code: 'LocationRequired',
      target: 'location',
    });
  }
  if (!isKnownLocation(location)) {
    throw invalid(
      `The provided location '${location}' is not available for resource groups. Available locations: ${LOCATIONS.join(', ')}.`,
      {
        code: 'LocationNotAvailableForResourceGroup',
        target: 'location',
      },
    );
  }
  return normalizeLocation(location);
}

export class ResourceGroupService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly recorder: ChangeRecorder,
  ) {}

  async requireSubscription(subscriptionId: string, repos: StoreRepos = this.store): Promise<void> {
    const sub = await repos.subscriptions.get(subscriptionId.toLowerCase());
    if (!sub)
      throw notFound(`The subscription '${subscriptionId}' could not be found.`, { code: 'SubscriptionNotFound' });
  }

  async get(subscriptionId: string, name: string, repos: StoreRepos = this.store): Promise<ResourceGroupRecord> {
    await this.requireSubscription(subscriptionId, repos);
    const rg = await repos.resourceGroups.get(subscriptionId, name);
    if (!rg) throw notFound(`Resource group '${name}' could not be found.`, { code: 'ResourceGroupNotFound' });
    return rg;
  }

  /** PUT: create, or replace tags/managedBy of an existing group. Location is create-only. */
  async put(
    subscriptionId: string,
    name: string,
    input: ResourceGroupInput,
    actor: Actor,
  ): Promise<{ rg: ResourceGroupRecord; created: boolean }> {
    return changeInTransaction(this, actor, async (tx, batch) => {
      const result = await this.putGroup(tx, subscriptionId, name, input);
      batch.add('Microsoft.Resources/subscriptions/resourceGroups/write', result.rg.id, {
        created: result.created,
        tags: result.rg.tags,
      });
      return result;
    });
  }

  private async putGroup(
    tx: StoreRepos,
    subscriptionId: string,
    name: string,
    input: ResourceGroupInput,
  ): Promise<{ rg: ResourceGroupRecord; created: boolean }> {
    await this.requireSubscription(subscriptionId, tx);
    checkResourceGroupName(name);
    const location = checkLocation(input.location);
    const tags = checkTags(input.tags);
    const managedBy = typeof input.managedBy === 'string' ? input.managedBy : null;
    const now = this.clock.now();
    const existing = await tx.resourceGroups.get(subscriptionId, name);
    if (existing) {
      if (existing.location !== location) {
        throw invalid(
          `Invalid resource group location '${location}'. The Resource group already exists in location '${existing.location}'.`,
          { code: 'InvalidResourceGroupLocation', target: 'location' },
        );
      }
      const rg = { ...existing, tags, managedBy, updatedAt: now };
      await tx.resourceGroups.update(rg);
      return { rg, created: false };
    }
    const rg: ResourceGroupRecord = {
      id: `/subscriptions/${subscriptionId}/resourceGroups/${name}`,
      subscriptionId,
      name,
      location,
      tags,
      managedBy,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await tx.resourceGroups.create(rg);
    } catch (e) {
      // A concurrent PUT created it first: PUT is idempotent, so answer with what is stored. The
      // insert does nothing on a duplicate (sql/conflict.ts), so the transaction is still usable.
      if (e instanceof DomainError && e.kind === 'conflict')
        return { rg: await this.get(subscriptionId, name, tx), created: false };
      throw e;
    }
    return { rg, created: true };
  }

  /** PATCH: tags (replaced as a whole when given) and managedBy. */
  async patch(
    subscriptionId: string,
    name: string,
    input: ResourceGroupInput,
    actor: Actor,
  ): Promise<ResourceGroupRecord> {
    return changeInTransaction(this, actor, async (tx, batch) => {
      const existing = await this.get(subscriptionId, name, tx);
      if (input.location !== undefined && normalizeLocation(String(input.location)) !== existing.location) {
        throw invalid(`The location of resource group '${name}' cannot be changed.`, {
          code: 'InvalidResourceGroupLocation',
          target: 'location',
        });
      }
      const rg = {
        ...existing,
        tags: input.tags !== undefined ? checkTags(input.tags) : existing.tags,
        managedBy:
          input.managedBy !== undefined
            ? typeof input.managedBy === 'string'
              ? input.managedBy
              : null
            : existing.managedBy,
        updatedAt: this.clock.now(),
      };
      await tx.resourceGroups.update(rg);
      batch.add('Microsoft.Resources/subscriptions/resourceGroups/write', rg.id, { tags: rg.tags });
      return rg;
    });
  }

  async list(subscriptionId: string, limit: number, after?: string): Promise<Page<ResourceGroupRecord>> {
    await this.requireSubscription(subscriptionId);
    return this.store.resourceGroups.list(subscriptionId, limit, after);
  }

  /** Deletes the group and everything in it, in one transaction. Returns false when it did not exist. */
  async delete(subscriptionId: string, name: string, actor: Actor): Promise<boolean> {
    await this.requireSubscription(subscriptionId);
    return changeInTransaction(this, actor, async (tx, batch) => {
      const rg = await tx.resourceGroups.get(subscriptionId, name);
      if (!rg) return false;
      await deleteGroupContents(tx, batch, rg);
      await tx.resourceGroups.delete(subscriptionId, name);
      batch.add('Microsoft.Resources/subscriptions/resourceGroups/delete', rg.id);
      return true;
    });
  }
}
