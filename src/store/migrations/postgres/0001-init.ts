import type { Migration } from '../migration.js';

// `*_key` columns hold the lower-cased lookup form of an ARM id or name. They use COLLATE "C"
// so ORDER BY and keyset paging compare bytes exactly as SQLite does; the database's default
// (often a glibc/ICU locale) would order punctuation differently and make pages engine-dependent.
export const migration: Migration = {
  version: 1,
  name: 'init',
  sql: `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);

CREATE TABLE tenants (
  id_key TEXT COLLATE "C" PRIMARY KEY,
  id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  created_at BIGINT NOT NULL
);

CREATE TABLE subscriptions (
  id_key TEXT COLLATE "C" PRIMARY KEY,
  id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('Enabled', 'Disabled')),
  created_at BIGINT NOT NULL
);

CREATE TABLE resource_groups (
  subscription_key TEXT COLLATE "C" NOT NULL,
  name_key TEXT COLLATE "C" NOT NULL,
  id TEXT NOT NULL,
  subscription_id TEXT NOT NULL,
  name TEXT NOT NULL,
  location TEXT NOT NULL,
  tags TEXT NOT NULL,
  managed_by TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (subscription_key, name_key)
);

CREATE TABLE principals (
  object_id_key TEXT COLLATE "C" PRIMARY KEY,
  app_id_key TEXT COLLATE "C" NOT NULL UNIQUE,
  object_id TEXT NOT NULL,
  app_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('application', 'managedIdentity')),
  resource_id TEXT,
  created_at BIGINT NOT NULL
);

CREATE TABLE client_secrets (
  id_key TEXT COLLATE "C" PRIMARY KEY,
  principal_key TEXT COLLATE "C" NOT NULL REFERENCES principals (object_id_key) ON DELETE CASCADE,
  id TEXT NOT NULL,
  principal_object_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  hint TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT
);
CREATE INDEX client_secrets_principal ON client_secrets (principal_key);

CREATE TABLE signing_keys (
  kid TEXT PRIMARY KEY,
  status TEXT NOT NULL CHECK (status IN ('next', 'current', 'retired')),
  sealed_private_key TEXT NOT NULL,
  public_jwk TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  activated_at BIGINT,
  retired_at BIGINT,
  publish_until BIGINT
);

CREATE TABLE role_assignments (
  id_key TEXT COLLATE "C" PRIMARY KEY,
  scope_key TEXT COLLATE "C" NOT NULL,
  principal_key TEXT COLLATE "C" NOT NULL,
  id TEXT NOT NULL,
  name TEXT NOT NULL,
  scope TEXT NOT NULL,
  role_definition_id TEXT NOT NULL,
  principal_id TEXT NOT NULL,
  principal_type TEXT NOT NULL,
  description TEXT,
  created_by TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX role_assignments_principal ON role_assignments (principal_key);
CREATE INDEX role_assignments_scope ON role_assignments (scope_key);
`,
};
