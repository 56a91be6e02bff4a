import type { ContainerRegistryRecord, ContainerRegistryRepo } from '../registry.js';
import type { Page, ResourceListing } from '../store.js';
import { fromJson, lookupKey, toJson } from './columns.js';
import { insertOrConflict } from './conflict.js';
import type { Executor } from './executor.js';
import { getResourceBy, listResources, type ResourceTable } from './paging.js';

interface RegistryRow {
  id_key: string;
  name_key: string;
  id: string;
  subscription_id: string;
  resource_group: string;
  name: string;
  location: string;
  tags: string;
  body: string;
  created_at: number;
  updated_at: number;
}

const COLUMNS =
  'id_key, name_key, id, subscription_id, resource_group, name, location, tags, body, created_at, updated_at';

const toRecord = (r: RegistryRow): ContainerRegistryRecord => ({
  id: r.id,
  subscriptionId: r.subscription_id,
  resourceGroup: r.resource_group,
  name: r.name,
  location: r.location,
  tags: fromJson<Record<string, string>>(r.tags, 'registry tags'),
  body: fromJson<Record<string, unknown>>(r.body, 'registry body'),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const TABLE: ResourceTable<RegistryRow, ContainerRegistryRecord> = {
  table: 'container_registries',
  columns: COLUMNS,
  toRecord,
};

export class SqlContainerRegistryRepo implements ContainerRegistryRepo {
  constructor(private readonly db: Executor) {}

  async create(r: ContainerRegistryRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO container_registries (id_key, name_key, subscription_key, resource_group_key, id, subscription_id, resource_group, name, location, tags, body, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING`,
      [
        lookupKey(r.id),
        lookupKey(r.name),
        lookupKey(r.subscriptionId),
        lookupKey(r.resourceGroup),
        r.id,
        r.subscriptionId,
        r.resourceGroup,
        r.name,
        r.location,
        toJson(r.tags),
        toJson(r.body),
        r.createdAt,
        r.updatedAt,
      ],
      `Registry '${r.name}'`,
      r.id,
    );
  }

  async update(r: ContainerRegistryRecord): Promise<boolean> {
    const { changes } = await this.db.run(
      'UPDATE container_registries SET tags = $2, body = $3, updated_at = $4 WHERE id_key = $1',
      [lookupKey(r.id), toJson(r.tags), toJson(r.body), r.updatedAt],
    );
    return changes === 1;
  }

  async get(id: string): Promise<ContainerRegistryRecord | undefined> {
    return getResourceBy(this.db, TABLE, 'id_key', id);
  }

  async getByName(name: string): Promise<ContainerRegistryRecord | undefined> {
    return getResourceBy(this.db, TABLE, 'name_key', name);
  }

  async list(where: ResourceListing, limit: number, after?: string): Promise<Page<ContainerRegistryRecord>> {
    return listResources(this.db, TABLE, where, limit, after);
  }

  async delete(id: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM container_registries WHERE id_key = $1', [lookupKey(id)]);
    return changes === 1;
  }
}
