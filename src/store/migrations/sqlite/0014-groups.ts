import type { Migration } from '../migration.js';

// Security groups of the directory and their direct members (docs/groups.md). A member is a
// principal's object id or another group's id, so member_key has no foreign key: the services
// delete memberships explicitly, in the transaction that deletes the member, and log each one.
// The `*_key` columns hold lower-cased GUIDs, as elsewhere.
export const migration: Migration = {
  version: 14,
  name: 'groups',
  sql: `
CREATE TABLE directory_groups (
  id_key TEXT NOT NULL PRIMARY KEY,
  id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  display_name TEXT NOT NULL,
  name_key TEXT NOT NULL,
  mail_nickname TEXT NOT NULL,
  description TEXT,
  security_enabled INTEGER NOT NULL,
  created_by TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;
CREATE INDEX directory_groups_name ON directory_groups (name_key, id_key);

CREATE TABLE group_members (
  group_key TEXT NOT NULL REFERENCES directory_groups (id_key) ON DELETE CASCADE,
  member_key TEXT NOT NULL,
  member_id TEXT NOT NULL,
  member_type TEXT NOT NULL CHECK (member_type IN ('servicePrincipal', 'group')),
  created_by TEXT,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (group_key, member_key)
) STRICT;
CREATE INDEX group_members_member ON group_members (member_key);
`,
};
