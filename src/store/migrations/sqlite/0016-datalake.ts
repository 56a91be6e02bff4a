import type { Migration } from '../migration.js';

// Data Lake Storage Gen2 (docs/data-planes.md#data-lake): the POSIX owner, owning group,
// permissions and ACL of each path of a file system. Path bytes stay in `blobs` (a file system is
// a container, a path a blob, as in Azure); the root directory is the row with name ''. Rows go
// with their container, and so with their account.
export const migration: Migration = {
  version: 16,
  name: 'datalake',
  sql: `
CREATE TABLE dfs_paths (
  account_key TEXT NOT NULL,
  container TEXT NOT NULL,
  name TEXT NOT NULL,
  owner TEXT NOT NULL,
  owning_group TEXT NOT NULL,
  permissions TEXT NOT NULL,
  acl TEXT NOT NULL,
  PRIMARY KEY (account_key, container, name),
  FOREIGN KEY (account_key, container) REFERENCES blob_containers (account_key, name) ON DELETE CASCADE
) STRICT;
`,
};
