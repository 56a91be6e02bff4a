import type { Migration } from '../migration.js';

// Key Vault keys and certificates: versioned objects like secrets. `doc` holds the public part
// (JWK without private members, attributes, tags, policy, certificate) as JSON; `sealed` holds
// the private part sealed under the master key (docs/architecture.md), so a copy of the database
// alone never reveals a private key. Soft-deleted objects keep their versions and get a row in
// the matching *_deleted_* table, as secrets do (0006).
export const migration: Migration = {
  version: 19,
  name: 'key-vault-keys',
  sql: `
CREATE TABLE key_vault_keys (
  vault_key TEXT NOT NULL,
  name_key TEXT NOT NULL,
  version TEXT NOT NULL,
  vault_id TEXT NOT NULL,
  name TEXT NOT NULL,
  doc TEXT NOT NULL,
  sealed TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (vault_key, name_key, version)
) STRICT;

CREATE TABLE key_vault_deleted_keys (
  vault_key TEXT NOT NULL,
  name_key TEXT NOT NULL,
  vault_id TEXT NOT NULL,
  name TEXT NOT NULL,
  deleted_at INTEGER NOT NULL,
  scheduled_purge_at INTEGER NOT NULL,
  PRIMARY KEY (vault_key, name_key)
) STRICT;

CREATE TABLE key_vault_certificates (
  vault_key TEXT NOT NULL,
  name_key TEXT NOT NULL,
  version TEXT NOT NULL,
  vault_id TEXT NOT NULL,
  name TEXT NOT NULL,
  doc TEXT NOT NULL,
  sealed TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (vault_key, name_key, version)
) STRICT;

CREATE TABLE key_vault_deleted_certificates (
  vault_key TEXT NOT NULL,
  name_key TEXT NOT NULL,
  vault_id TEXT NOT NULL,
  name TEXT NOT NULL,
  deleted_at INTEGER NOT NULL,
  scheduled_purge_at INTEGER NOT NULL,
  PRIMARY KEY (vault_key, name_key)
) STRICT;
`,
};
