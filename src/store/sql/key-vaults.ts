import type { KeyVaultRecord, KeyVaultRepo } from '../key-vault.js';
import type { Page, ResourceListing } from '../store.js';
import { fromJson, lookupKey, toJson } from './columns.js';
import { insertOrConflict } from './conflict.js';
import type { Executor } from './executor.js';
import { getResourceBy, listResources, type ResourceTable } from './paging.js';

interface KeyVaultRow {
  id_key: string;
  name_key: string;
  id: string;
  subscription_id: string;
  resource_group: string;
  name: string;
  location: string;
  tags: string;
  tenant_id: string;
  sku: string;
  created_at: number;
  updated_at: number;
}

const COLUMNS =
  'id_key, name_key, id, subscription_id, resource_group, name, location, tags, tenant_id, sku, created_at, updated_at';

const toRecord = (r: KeyVaultRow): KeyVaultRecord => ({
  id: r.id,
  subscriptionId: r.subscription_id,
  resourceGroup: r.resource_group,
  name: r.name,
  location: r.location,
  tags: fromJson<Record<string, string>>(r.tags, 'vault tags'),
  tenantId: r.tenant_id,
  sku: r.sku,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const TABLE: ResourceTable<KeyVaultRow, KeyVaultRecord> = { table: 'key_vaults', columns: COLUMNS, toRecord };

export class SqlKeyVaultRepo implements KeyVaultRepo {
  constructor(private readonly db: Executor) {}

  async create(v: KeyVaultRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO key_vaults (id_key, name_key, subscription_key, resource_group_key, id, subscription_id, resource_group, name, location, tags, tenant_id, sku, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) ON CONFLICT DO NOTHING`,
      [
        lookupKey(v.id),
        lookupKey(v.name),
        lookupKey(v.subscriptionId),
        lookupKey(v.resourceGroup),
        v.id,
        v.subscriptionId,
        v.resourceGroup,
        v.name,
        v.location,
        toJson(v.tags),
        v.tenantId,
        v.sku,
        v.createdAt,
        v.updatedAt,
      ],
      `Vault '${v.name}'`,
      v.id,
    );
  }

  async update(v: KeyVaultRecord): Promise<boolean> {
    const { changes } = await this.db.run(
      'UPDATE key_vaults SET tags = $2, sku = $3, updated_at = $4 WHERE id_key = $1',
      [lookupKey(v.id), toJson(v.tags), v.sku, v.updatedAt],
    );
    return changes === 1;
  }

  async get(id: string): Promise<KeyVaultRecord | undefined> {
    return getResourceBy(this.db, TABLE, 'id_key', id);
  }

  async getByName(name: string): Promise<KeyVaultRecord | undefined> {
    return getResourceBy(this.db, TABLE, 'name_key', name);
  }

  async list(where: ResourceListing, limit: number, after?: string): Promise<Page<KeyVaultRecord>> {
    return listResources(this.db, TABLE, where, limit, after);
  }

  /** Several statements: call inside `tx` so a vault never disappears with its secrets, keys or certificates left behind. */
  async delete(id: string): Promise<boolean> {
    const key = lookupKey(id);
    for (const kind of ['secrets', 'keys', 'certificates']) {
      await this.db.run(`DELETE FROM key_vault_${kind} WHERE vault_key = $1`, [key]);
      await this.db.run(`DELETE FROM key_vault_deleted_${kind} WHERE vault_key = $1`, [key]);
    }
    await this.db.run('DELETE FROM key_vault_key_policies WHERE vault_key = $1', [key]);
    const { changes } = await this.db.run('DELETE FROM key_vaults WHERE id_key = $1', [key]);
    return changes === 1;
  }
}
