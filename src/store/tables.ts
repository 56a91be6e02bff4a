/** Records and repository of the table data plane (docs/data-planes.md), apart from store.ts to keep it small. */

export interface TableRecord {
  account: string;
  /** As created; lookups ignore case, as Azure's do. */
  name: string;
  createdAt: number;
}

/** `properties` holds the entity's other properties with their `@odata.type` annotations, as on the wire. */
export interface EntityRecord {
  account: string;
  table: string;
  partitionKey: string;
  rowKey: string;
  properties: Record<string, unknown>;
  etag: string;
  updatedAt: number;
}

export interface EntityKey {
  partitionKey: string;
  rowKey: string;
}

export interface TableRepo {
  /** Throws conflict when a table of that name (in any case) exists. */
  createTable(t: TableRecord): Promise<void>;
  getTable(account: string, name: string): Promise<TableRecord | undefined>;
  /** Ordered by lower-cased name, from `from` (inclusive, any case). */
  listTables(account: string, limit: number, from?: string): Promise<TableRecord[]>;
  /** Its entities go with it. */
  deleteTable(account: string, name: string): Promise<boolean>;
  getEntity(account: string, table: string, key: EntityKey): Promise<EntityRecord | undefined>;
  /** Throws conflict when the entity exists. */
  insertEntity(e: EntityRecord): Promise<void>;
  /** Replaces an existing entity, only while its etag is `ifEtag` when given; false otherwise. */
  replaceEntity(e: EntityRecord, ifEtag?: string): Promise<boolean>;
  /** Inserts or replaces. */
  upsertEntity(e: EntityRecord): Promise<void>;
  deleteEntity(account: string, table: string, key: EntityKey, ifEtag?: string): Promise<boolean>;
  /** Entities in (PartitionKey, RowKey) order, from `from` (inclusive). */
  scanEntities(account: string, table: string, limit: number, from?: EntityKey): Promise<EntityRecord[]>;
}
