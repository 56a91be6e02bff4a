import type { EntityKey, EntityRecord, TableRecord, TableRepo } from '../tables.js';
import { fromJson, lookupKey, toJson } from './columns.js';
import { insertOrConflict } from './conflict.js';
import type { Executor } from './executor.js';
import { checkLimit } from './paging.js';

interface TableRow {
  account_key: string;
  name: string;
  created_at: number | string;
}
interface EntityRow {
  account_key: string;
  table_key: string;
  partition_key: string;
  row_key: string;
  properties: string;
  etag: string;
  updated_at: number | string;
}

const toTable = (r: TableRow): TableRecord => ({
  account: r.account_key,
  name: r.name,
  createdAt: Number(r.created_at),
});
const toEntity = (r: EntityRow): EntityRecord => ({
  account: r.account_key,
  table: r.table_key,
  partitionKey: r.partition_key,
  rowKey: r.row_key,
  properties: fromJson(r.properties, 'entity properties'),
  etag: r.etag,
  updatedAt: Number(r.updated_at),
});
const entityKey = (account: string, table: string, k: EntityKey) => [
  lookupKey(account),
  lookupKey(table),
  k.partitionKey,
  k.rowKey,
];
const WHERE_ENTITY = 'account_key = $1 AND table_key = $2 AND partition_key = $3 AND row_key = $4';

/** Tables and entities of the table data plane. */
export class SqlTableRepo implements TableRepo {
  constructor(private readonly db: Executor) {}

  async createTable(t: TableRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      'INSERT INTO storage_tables (account_key, name_key, name, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [lookupKey(t.account), lookupKey(t.name), t.name, t.createdAt],
      `Table '${t.name}'`,
      t.name,
    );
  }

  async getTable(account: string, name: string): Promise<TableRecord | undefined> {
    const r = await this.db.get<TableRow>('SELECT * FROM storage_tables WHERE account_key = $1 AND name_key = $2', [
      lookupKey(account),
      lookupKey(name),
    ]);
    return r && toTable(r);
  }

  async listTables(account: string, limit: number, from?: string): Promise<TableRecord[]> {
    checkLimit(limit);
    const rows = await this.db.all<TableRow>(
      `SELECT * FROM storage_tables WHERE account_key = $1${from === undefined ? '' : ' AND name_key >= $2'} ORDER BY name_key LIMIT ${limit}`,
      from === undefined ? [lookupKey(account)] : [lookupKey(account), lookupKey(from)],
    );
    return rows.map(toTable);
  }

  async deleteTable(account: string, name: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM storage_tables WHERE account_key = $1 AND name_key = $2', [
      lookupKey(account),
      lookupKey(name),
    ]);
    return changes === 1;
  }

  async getEntity(account: string, table: string, key: EntityKey): Promise<EntityRecord | undefined> {
    const r = await this.db.get<EntityRow>(
      `SELECT * FROM storage_table_entities WHERE ${WHERE_ENTITY}`,
      entityKey(account, table, key),
    );
    return r && toEntity(r);
  }

  async insertEntity(e: EntityRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO storage_table_entities (account_key, table_key, partition_key, row_key, properties, etag, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [...entityKey(e.account, e.table, e), toJson(e.properties), e.etag, e.updatedAt],
      'The entity',
      `${e.partitionKey}/${e.rowKey}`,
    );
  }

  async replaceEntity(e: EntityRecord, ifEtag?: string): Promise<boolean> {
    const params = [...entityKey(e.account, e.table, e), toJson(e.properties), e.etag, e.updatedAt];
    if (ifEtag !== undefined) params.push(ifEtag);
    const { changes } = await this.db.run(
      `UPDATE storage_table_entities SET properties = $5, etag = $6, updated_at = $7
       WHERE ${WHERE_ENTITY}${ifEtag === undefined ? '' : ' AND etag = $8'}`,
      params,
    );
    return changes === 1;
  }

  async upsertEntity(e: EntityRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO storage_table_entities (account_key, table_key, partition_key, row_key, properties, etag, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7)
       ON CONFLICT (account_key, table_key, partition_key, row_key) DO UPDATE SET properties = excluded.properties,
         etag = excluded.etag, updated_at = excluded.updated_at`,
      [...entityKey(e.account, e.table, e), toJson(e.properties), e.etag, e.updatedAt],
    );
  }

  async deleteEntity(account: string, table: string, key: EntityKey, ifEtag?: string): Promise<boolean> {
    const params = entityKey(account, table, key);
    if (ifEtag !== undefined) params.push(ifEtag);
    const { changes } = await this.db.run(
      `DELETE FROM storage_table_entities WHERE ${WHERE_ENTITY}${ifEtag === undefined ? '' : ' AND etag = $5'}`,
      params,
    );
    return changes === 1;
  }

  async scanEntities(account: string, table: string, limit: number, from?: EntityKey): Promise<EntityRecord[]> {
    checkLimit(limit);
    const params = [lookupKey(account), lookupKey(table)];
    let where = '';
    if (from) {
      params.push(from.partitionKey, from.rowKey);
      where = ' AND (partition_key > $3 OR (partition_key = $3 AND row_key >= $4))';
    }
    const rows = await this.db.all<EntityRow>(
      `SELECT * FROM storage_table_entities WHERE account_key = $1 AND table_key = $2${where}
       ORDER BY partition_key, row_key LIMIT ${limit}`,
      params,
    );
    return rows.map(toEntity);
  }
}
