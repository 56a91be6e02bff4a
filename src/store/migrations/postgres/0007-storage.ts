import type { Migration } from '../migration.js';

// Storage accounts, blob containers, blobs and uncommitted blocks (ADR 0007). Account names are
// globally unique (they are host names), so name_key is unique on its own. Names compare bytewise (COLLATE "C") as in SQLite. Account keys are
// sealed with the master key. Blob bytes live in the row: sizes are bounded by the data plane.
export const migration: Migration = {
  version: 7,
  name: 'storage',
  sql: `
CREATE TABLE storage_accounts (
  id_key TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  subscription_key TEXT COLLATE "C" NOT NULL,
  resource_group_key TEXT COLLATE "C" NOT NULL,
  name_key TEXT COLLATE "C" NOT NULL UNIQUE,
  id TEXT NOT NULL,
  subscription_id TEXT NOT NULL,
  resource_group TEXT NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  location TEXT NOT NULL,
  tags TEXT NOT NULL,
  body TEXT NOT NULL,
  keys TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX storage_accounts_listing ON storage_accounts (subscription_key, resource_group_key, name_key, id_key);

CREATE TABLE blob_containers (
  account_key TEXT COLLATE "C" NOT NULL REFERENCES storage_accounts (name_key) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL,
  metadata TEXT NOT NULL,
  etag TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (account_key, name)
);

CREATE TABLE blobs (
  account_key TEXT COLLATE "C" NOT NULL,
  container TEXT COLLATE "C" NOT NULL,
  name TEXT COLLATE "C" NOT NULL,
  content BYTEA NOT NULL,
  properties TEXT NOT NULL,
  metadata TEXT NOT NULL,
  etag TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  PRIMARY KEY (account_key, container, name),
  FOREIGN KEY (account_key, container) REFERENCES blob_containers (account_key, name) ON DELETE CASCADE
);

CREATE TABLE blob_blocks (
  account_key TEXT COLLATE "C" NOT NULL,
  container TEXT COLLATE "C" NOT NULL,
  blob TEXT COLLATE "C" NOT NULL,
  block_id TEXT COLLATE "C" NOT NULL,
  content BYTEA NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (account_key, container, blob, block_id),
  FOREIGN KEY (account_key, container) REFERENCES blob_containers (account_key, name) ON DELETE CASCADE
);
`,
};
