import type { Page, ResourceListing } from '../store.js';
import type { StorageAccountKey, StorageAccountRecord, StorageAccountRepo } from '../storage.js';
import { fromJson, lookupKey, toJson } from './columns.js';
import { insertOrConflict } from './conflict.js';
import type { Executor } from './executor.js';
import { getResourceBy, listResources, type ResourceTable } from './paging.js';

interface Row {
  id_key: string;
  name_key: string;
  id: string;
  subscription_id: string;
  resource_group: string;
  name: string;
  location: string;
  tags: string;
  body: string;
  keys: string;
  created_at: number | string;
  updated_at: number | string;
}

const COLUMNS =
  'id_key, name_key, id, subscription_id, resource_group, name, location, tags, body, keys, created_at, updated_at';

const toRecord = (r: Row): StorageAccountRecord => ({
  id: r.id,
  subscriptionId: r.subscription_id,
  resourceGroup: r.resource_group,
  name: r.name,
  location: r.location,
  tags: fromJson<Record<string, string>>(r.tags, 'storage account tags'),
  body: fromJson<Record<string, unknown>>(r.body, 'storage account body'),
  keys: fromJson<StorageAccountKey[]>(r.keys, 'storage account keys'),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** Storage accounts. The name is unique across subscriptions because it is a host name. */
const TABLE: ResourceTable<Row, StorageAccountRecord> = { table: 'storage_accounts', columns: COLUMNS, toRecord };

export class SqlStorageAccountRepo implements StorageAccountRepo {
  constructor(private readonly db: Executor) {}

  async create(a: StorageAccountRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO storage_accounts (id_key, subscription_key, resource_group_key, name_key, id, subscription_id, resource_group,
         name, location, tags, body, keys, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING`,
      [
        lookupKey(a.id),
        lookupKey(a.subscriptionId),
        lookupKey(a.resourceGroup),
        lookupKey(a.name),
        a.id,
        a.subscriptionId,
        a.resourceGroup,
        a.name,
        a.location,
        toJson(a.tags),
        toJson(a.body),
        toJson(a.keys),
        a.createdAt,
        a.updatedAt,
      ],
      `Storage account '${a.name}'`,
      a.id,
    );
  }

  async update(a: StorageAccountRecord): Promise<boolean> {
    const { changes } = await this.db.run(
      'UPDATE storage_accounts SET tags = $2, body = $3, keys = $4, updated_at = $5 WHERE id_key = $1',
      [lookupKey(a.id), toJson(a.tags), toJson(a.body), toJson(a.keys), a.updatedAt],
    );
    return changes === 1;
  }

  async get(id: string): Promise<StorageAccountRecord | undefined> {
    return getResourceBy(this.db, TABLE, 'id_key', id);
  }

  async getByName(name: string): Promise<StorageAccountRecord | undefined> {
    return getResourceBy(this.db, TABLE, 'name_key', name);
  }

  async list(where: ResourceListing, limit: number, after?: string): Promise<Page<StorageAccountRecord>> {
    return listResources(this.db, TABLE, where, limit, after);
  }

  async delete(id: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM storage_accounts WHERE id_key = $1', [lookupKey(id)]);
    return changes === 1;
  }
}
