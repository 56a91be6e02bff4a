import type { Migration } from '../migration.js';

// Agent enrollment (join tokens, agents), token revocations and registered federation issuers.
// `*_key` columns hold lower-cased lookup forms. No foreign key to compute_resources: deleting a
// resource deletes its tokens and agents explicitly, and an agent outlives the token it used
// (expired tokens are purged). Issuers are compared exactly, as they appear in `iss`.
export const migration: Migration = {
  version: 3,
  name: 'agents',
  sql: `
CREATE TABLE join_tokens (
  id_key TEXT NOT NULL PRIMARY KEY,
  resource_key TEXT NOT NULL,
  id TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  hash TEXT NOT NULL,
  ephemeral INTEGER NOT NULL CHECK (ephemeral IN (0, 1)),
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at INTEGER
) STRICT;
CREATE INDEX join_tokens_resource ON join_tokens (resource_key);
CREATE INDEX join_tokens_expires ON join_tokens (expires_at);

CREATE TABLE agents (
  id_key TEXT NOT NULL PRIMARY KEY,
  resource_key TEXT NOT NULL,
  id TEXT NOT NULL,
  resource_id TEXT NOT NULL,
  public_jwk TEXT NOT NULL,
  hostname TEXT NOT NULL,
  join_token_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER
) STRICT;
CREATE INDEX agents_resource ON agents (resource_key, created_at, id_key);
CREATE INDEX agents_expires ON agents (expires_at) WHERE expires_at IS NOT NULL;

CREATE TABLE token_revocations (
  principal_key TEXT NOT NULL PRIMARY KEY,
  principal_id TEXT NOT NULL,
  revoked_at INTEGER NOT NULL,
  revoked_by TEXT NOT NULL
) STRICT;

CREATE TABLE federation_issuers (
  name_key TEXT NOT NULL PRIMARY KEY,
  name TEXT NOT NULL,
  issuer TEXT NOT NULL UNIQUE,
  jwks TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
`,
};
