import type { Migration } from '../migration.js';

// Container registries (ARM resources; the name is global because it is the login server's host
// label). The registry's content lives in the Distribution registry openmi issues tokens for.
export const migration: Migration = {
  version: 20,
  name: 'container-registries',
  sql: `
CREATE TABLE container_registries (
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
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX container_registries_listing ON container_registries (subscription_key, resource_group_key, name_key);
`,
};
