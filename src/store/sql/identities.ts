import type { UserAssignedIdentityRecord } from '../records.js';
import type { Page, ResourceListing, UserAssignedIdentityRepo } from '../store.js';
import { fromJson, lookupKey, toJson } from './columns.js';
import { insertOrConflict } from './conflict.js';
import type { Executor } from './executor.js';
import { getResourceBy, listResources, type ResourceTable } from './paging.js';

interface IdentityRow {
  id_key: string;
  name_key: string;
  id: string;
  subscription_id: string;
  resource_group: string;
  name: string;
  location: string;
  tags: string;
  isolation_scope: string;
  principal_id: string;
  client_id: string;
  tenant_id: string;
  created_at: number;
  updated_at: number;
}

const COLUMNS =
  'id_key, name_key, id, subscription_id, resource_group, name, location, tags, isolation_scope, principal_id, client_id, tenant_id, created_at, updated_at';

const toRecord = (r: IdentityRow): UserAssignedIdentityRecord => ({
  id: r.id,
  subscriptionId: r.subscription_id,
  resourceGroup: r.resource_group,
  name: r.name,
  location: r.location,
  tags: fromJson<Record<string, string>>(r.tags, 'identity tags'),
  isolationScope: r.isolation_scope,
  principalId: r.principal_id,
  clientId: r.client_id,
  tenantId: r.tenant_id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Ids, client ids and principal ids are each unique, compared case-insensitively. */
const TABLE: ResourceTable<IdentityRow, UserAssignedIdentityRecord> = {
  table: 'user_assigned_identities',
  columns: COLUMNS,
  toRecord,
};

export class SqlUserAssignedIdentityRepo implements UserAssignedIdentityRepo {
  constructor(private readonly db: Executor) {}

  async create(i: UserAssignedIdentityRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO user_assigned_identities (id_key, subscription_key, resource_group_key, name_key, client_id_key,
         principal_id_key, id, subscription_id, resource_group, name, location, tags, isolation_scope, principal_id,
         client_id, tenant_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) ON CONFLICT DO NOTHING`,
      [
        lookupKey(i.id),
        lookupKey(i.subscriptionId),
        lookupKey(i.resourceGroup),
        lookupKey(i.name),
        lookupKey(i.clientId),
        lookupKey(i.principalId),
        i.id,
        i.subscriptionId,
        i.resourceGroup,
        i.name,
        i.location,
        toJson(i.tags),
        i.isolationScope,
        i.principalId,
        i.clientId,
        i.tenantId,
        i.createdAt,
        i.updatedAt,
      ],
      `User-assigned identity '${i.id}' (or one with client id '${i.clientId}' or principal id '${i.principalId}')`,
      i.id,
    );
  }

  async update(i: UserAssignedIdentityRecord): Promise<boolean> {
    const { changes } = await this.db.run(
      'UPDATE user_assigned_identities SET tags = $2, isolation_scope = $3, updated_at = $4 WHERE id_key = $1',
      [lookupKey(i.id), toJson(i.tags), i.isolationScope, i.updatedAt],
    );
    return changes === 1;
  }

  async get(id: string): Promise<UserAssignedIdentityRecord | undefined> {
    return this.getBy('id_key', id);
  }

  async getByClientId(clientId: string): Promise<UserAssignedIdentityRecord | undefined> {
    return this.getBy('client_id_key', clientId);
  }

  async getByPrincipalId(principalId: string): Promise<UserAssignedIdentityRecord | undefined> {
    return this.getBy('principal_id_key', principalId);
  }

  async list(where: ResourceListing, limit: number, after?: string): Promise<Page<UserAssignedIdentityRecord>> {
    return listResources(this.db, TABLE, where, limit, after);
  }

  /** Also deletes the identity's federated credentials (ON DELETE CASCADE); attachments to resources stay. */
  async delete(id: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM user_assigned_identities WHERE id_key = $1', [lookupKey(id)]);
    return changes === 1;
  }

  private getBy(
    column: 'id_key' | 'client_id_key' | 'principal_id_key',
    value: string,
  ): Promise<UserAssignedIdentityRecord | undefined> {
    return getResourceBy(this.db, TABLE, column, value);
  }
}
