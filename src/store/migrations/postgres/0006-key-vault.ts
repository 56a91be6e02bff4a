import type { Migration } from '../migration.js';

// Key Vault: vaults (ARM resources; the name is global because each vault is a host name) and
// secret versions. Values are sealed with the master key before they reach this table. A
// soft-deleted secret keeps its versions and gets a row in key_vault_deleted_secrets, so
// recover is one DELETE and purge removes both. Key columns use COLLATE "C" to compare bytes as SQLite does.
export const migration: Migration = {
  version: 6,
  name: 'key-vault',
  sql: `
CREATE TABLE key_vaults (
  id_key TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  name_key TEXT COLLATE "C" NOT NULL UNIQUE,
  subscription_key TEXT COLLATE "C" NOT NULL,
  resource_group_key TEXT COLLATE "C" NOT NULL,
  id TEXT NOT NULL,
  subscription_id TEXT NOT NULL,
  resource_group TEXT NOT NULL,
  name TEXT NOT NULL,
  location TEXT NOT NULL,
  tags TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  sku TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX key_vaults_listing ON key_vaults (subscription_key, resource_group_key, name_key);

CREATE TABLE key_vault_secrets (
  vault_key TEXT COLLATE "C" NOT NULL,
  name_key TEXT COLLATE "C" NOT NULL,
  version TEXT NOT NULL,
  vault_id TEXT NOT NULL,
  name TEXT NOT NULL,
  sealed_value TEXT NOT NULL,
  content_type TEXT,
  tags TEXT NOT NULL,
  enabled INTEGER NOT NULL,
  not_before BIGINT,
  expires BIGINT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (vault_key, name_key, version)
);

CREATE TABLE key_vault_deleted_secrets (
  vault_key TEXT COLLATE "C" NOT NULL,
  name_key TEXT COLLATE "C" NOT NULL,
  vault_id TEXT NOT NULL,
  name TEXT NOT NULL,
  deleted_at BIGINT NOT NULL,
  scheduled_purge_at BIGINT NOT NULL,
  PRIMARY KEY (vault_key, name_key)
);
`,
};
