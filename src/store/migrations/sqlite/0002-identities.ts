import type { Migration } from '../migration.js';

// User-assigned identities, their federated credentials, and compute resources with the
// user-assigned identities attached to them. `*_key` columns hold lower-cased lookup forms.
// Issuer and subject are compared exactly (Entra matches them case-sensitively).
export const migration: Migration = {
  version: 2,
  name: 'identities',
  sql: `
CREATE TABLE user_assigned_identities (
  id_key TEXT NOT NULL PRIMARY KEY,
  subscription_key TEXT NOT NULL,
  resource_group_key TEXT NOT NULL,
  name_key TEXT NOT NULL,
  client_id_key TEXT NOT NULL UNIQUE,
  principal_id_key TEXT NOT NULL UNIQUE,
  id TEXT NOT NULL,
  subscription_id TEXT NOT NULL,
  resource_group TEXT NOT NULL,
  name TEXT NOT NULL,
  location TEXT NOT NULL,
  tags TEXT NOT NULL,
  isolation_scope TEXT NOT NULL,
  principal_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX user_assigned_identities_subscription ON user_assigned_identities (subscription_key, name_key, id_key);
CREATE INDEX user_assigned_identities_group ON user_assigned_identities (subscription_key, resource_group_key, name_key, id_key);

CREATE TABLE federated_credentials (
  id_key TEXT NOT NULL PRIMARY KEY,
  identity_key TEXT NOT NULL REFERENCES user_assigned_identities (id_key) ON DELETE CASCADE,
  name_key TEXT NOT NULL,
  id TEXT NOT NULL,
  identity_id TEXT NOT NULL,
  name TEXT NOT NULL,
  issuer TEXT NOT NULL,
  subject TEXT NOT NULL,
  audiences TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  UNIQUE (identity_key, name_key),
  UNIQUE (issuer, subject, identity_key)
) STRICT;

CREATE TABLE compute_resources (
  id_key TEXT NOT NULL PRIMARY KEY,
  subscription_key TEXT NOT NULL,
  resource_group_key TEXT NOT NULL,
  type_key TEXT NOT NULL,
  name_key TEXT NOT NULL,
  system_principal_key TEXT,
  id TEXT NOT NULL,
  subscription_id TEXT NOT NULL,
  resource_group TEXT NOT NULL,
  type TEXT NOT NULL,
  name TEXT NOT NULL,
  location TEXT NOT NULL,
  tags TEXT NOT NULL,
  body TEXT NOT NULL,
  system_principal_id TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX compute_resources_subscription ON compute_resources (subscription_key, name_key, id_key);
CREATE INDEX compute_resources_group ON compute_resources (subscription_key, resource_group_key, name_key, id_key);
CREATE INDEX compute_resources_system_principal ON compute_resources (system_principal_key);

CREATE TABLE resource_identity_attachments (
  resource_key TEXT NOT NULL REFERENCES compute_resources (id_key) ON DELETE CASCADE,
  identity_key TEXT NOT NULL,
  identity_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  PRIMARY KEY (resource_key, identity_key),
  UNIQUE (resource_key, position)
) STRICT;
CREATE INDEX resource_identity_attachments_identity ON resource_identity_attachments (identity_key, resource_key);
`,
};
