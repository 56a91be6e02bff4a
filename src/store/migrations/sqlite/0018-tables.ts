import type { Migration } from '../migration.js';

// Storage tables and their entities (docs/data-planes.md, table service). Table names are
// case-insensitive and keep their casing (name_key is the lower-cased name); PartitionKey and
// RowKey compare bytewise, the order Azure returns entities in. Tables go with their account,
// entities with their table. `properties` is the entity's JSON with its @odata.type annotations.
export const migration: Migration = {
  version: 18,
  name: 'tables',
  sql: `
CREATE TABLE storage_tables (
  account_key TEXT NOT NULL REFERENCES storage_accounts (name_key) ON DELETE CASCADE,
  name_key TEXT NOT NULL,
  name TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account_key, name_key)
) STRICT;

CREATE TABLE storage_table_entities (
  account_key TEXT NOT NULL,
  table_key TEXT NOT NULL,
  partition_key TEXT NOT NULL,
  row_key TEXT NOT NULL,
  properties TEXT NOT NULL,
  etag TEXT NOT NULL,
  updated_at INTEGER NOT NULL,
  PRIMARY KEY (account_key, table_key, partition_key, row_key),
  FOREIGN KEY (account_key, table_key) REFERENCES storage_tables (account_key, name_key) ON DELETE CASCADE
) STRICT;
`,
};
