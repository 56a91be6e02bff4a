import type { Clock } from '../../kernel/clock.js';
import { invalid } from '../../kernel/errors.js';
import { requireResource, requireScope } from '../resource-base/scope-checks.js';
import { normalizeLocation } from '../resource-base/locations.js';
import { checkTags } from '../resource-base/tags.js';
import type { Page, ResourceListing, Store, StoreRepos } from '../../store/store.js';
import type { ContainerRegistryRecord } from '../../store/registry.js';
import type { Actor, ChangeRecorder } from '../audit/changes.js';
import { changeInTransaction } from '../audit/changes-batch.js';
import { deleteResource } from '../resources/group-contents.js';
import { REGISTRY_TYPE } from '../resources/resource-kinds.js';

export interface RegistryAddress {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/** Azure's rule (https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/resource-name-rules#microsoftcontainerregistry). */
const NAME = /^[A-Za-z0-9]{5,50}$/;
const RESERVED = new Set(['id', 'name', 'type', 'location', 'tags']);
/** A host, optionally with a port: what a Docker client puts before the first '/' of an image reference. */
const HOST_PORT = /^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$/;

export const registryIdOf = (a: RegistryAddress): string =>
  `/subscriptions/${a.subscriptionId}/resourceGroups/${a.resourceGroup}/providers/${REGISTRY_TYPE}/${a.name}`;

/**
 * Where clients push and pull. Azure derives it (`NAME.azurecr.io`); openmi fronts a Distribution
 * registry the operator runs, so `properties.loginServer` may name its host:port (docs/registries.md).
 */
export function loginServerOf(r: ContainerRegistryRecord, zone: string): string {
  const props = r.body['properties'] as Record<string, unknown> | undefined;
  const given = props?.['loginServer'];
  return typeof given === 'string' ? given : `${r.name.toLowerCase()}.azurecr.${zone}`;
}

function checkBody(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw invalid('The request content must be a JSON object.', { code: 'InvalidRequestContent' });
  const b = body as Record<string, unknown>;
  const props = b['properties'];
  if (props !== undefined && props !== null && (typeof props !== 'object' || Array.isArray(props)))
    throw invalid("'properties' must be a JSON object.", { code: 'InvalidRequestContent' });
  const login = (props as Record<string, unknown> | undefined)?.['loginServer'];
  if (login !== undefined && (typeof login !== 'string' || !HOST_PORT.test(login)))
    throw invalid("'properties.loginServer' must be the registry's host or host:port, e.g. 127.0.0.1:5000.", {
      code: 'InvalidRequestContent',
    });
  return b;
}

/** Container registries: the ARM resource whose scope AcrPull and AcrPush are assigned at. */
export class RegistryService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
    /** Hears of each write after it committed; its activity row is written by the write's own transaction. */
    readonly recorder: ChangeRecorder,
  ) {}

  async get(a: RegistryAddress, repos: StoreRepos = this.store): Promise<ContainerRegistryRecord> {
    return requireResource(repos, a, REGISTRY_TYPE, await repos.containerRegistries.get(registryIdOf(a)));
  }

  /** For the token service: the registry by its global name. */
  byName(name: string): Promise<ContainerRegistryRecord | undefined> {
    return this.store.containerRegistries.getByName(name);
  }

  async list(where: ResourceListing, limit: number, after?: string): Promise<Page<ContainerRegistryRecord>> {
    await requireScope(this.store, where.subscriptionId, where.resourceGroup);
    return this.store.containerRegistries.list(where, limit, after);
  }

  async put(
    a: RegistryAddress,
    body: unknown,
    actor: Actor,
  ): Promise<{ record: ContainerRegistryRecord; created: boolean }> {
    if (!NAME.test(a.name))
      throw invalid(`'${a.name}' is not a valid registry name: use 5 to 50 letters and digits.`, {
        code: 'InvalidResourceName',
      });
    const b = checkBody(body);
    return changeInTransaction(this, actor, async (tx, batch) => {
      const result = await this.upsert(tx, a, b);
      batch.add(`${REGISTRY_TYPE}/write`, result.record.id, { created: result.created, tags: result.record.tags });
      return result;
    });
  }

  private async upsert(
    tx: StoreRepos,
    a: RegistryAddress,
    b: Record<string, unknown>,
  ): Promise<{ record: ContainerRegistryRecord; created: boolean }> {
    await requireScope(tx, a.subscriptionId, a.resourceGroup);
    const existing = await tx.containerRegistries.get(registryIdOf(a));
    const now = this.clock.now();
    const rest = Object.fromEntries(Object.entries(b).filter(([k]) => !RESERVED.has(k)));
    const tags = b['tags'] === undefined ? (existing?.tags ?? {}) : checkTags(b['tags']);
    if (existing) {
      const record = { ...existing, tags, body: rest, updatedAt: now };
      await tx.containerRegistries.update(record);
      return { record, created: false };
    }
    if (typeof b['location'] !== 'string')
      throw invalid("The 'location' property is required.", { code: 'LocationRequired' });
    const record: ContainerRegistryRecord = {
      id: registryIdOf(a),
      subscriptionId: a.subscriptionId,
      resourceGroup: a.resourceGroup,
      name: a.name,
      location: normalizeLocation(b['location']),
      tags,
      body: rest,
      createdAt: now,
      updatedAt: now,
    };
    await tx.containerRegistries.create(record);
    return { record, created: true };
  }

  /**
   * PATCH (`registries.update`, `az acr update`): tags replaced when given, `properties` merged key
   * by key, `sku` replaced; location is fixed.
   */
  async patch(a: RegistryAddress, body: unknown, actor: Actor): Promise<ContainerRegistryRecord> {
    const b = checkBody(body);
    return changeInTransaction(this, actor, async (tx, batch) => {
      const existing = await this.get(a, tx);
      const rest = Object.fromEntries(Object.entries(b).filter(([k]) => !RESERVED.has(k)));
      const properties = {
        ...(existing.body['properties'] as object | undefined),
        ...(rest['properties'] as object | undefined),
      };
      const record = {
        ...existing,
        tags: b['tags'] === undefined ? existing.tags : checkTags(b['tags']),
        body: { ...existing.body, ...rest, properties },
        updatedAt: this.clock.now(),
      };
      await tx.containerRegistries.update(record);
      batch.add(`${REGISTRY_TYPE}/write`, record.id, { created: false, tags: record.tags });
      return record;
    });
  }

  delete(a: RegistryAddress, actor: Actor): Promise<boolean> {
    return deleteResource(this, actor, REGISTRY_TYPE, registryIdOf(a));
  }
}
