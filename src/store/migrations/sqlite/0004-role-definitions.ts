import type { Migration } from '../migration.js';

// Custom role definitions, and what role assignments need beyond 0001: who last wrote them, an
// ABAC condition, and lookup keys for the role (deleting a custom role is refused while
// assignments use it) and for the name (an assignment name is a GUID unique across all scopes,
// as in Azure, so a re-PUT of a name at another scope can be told apart from a new one).
// `role_key` is the role GUID: the last 36 characters of any role definition id. The unique
// index on (scope, principal, role) backs the RoleAssignmentExists check against races.
export const migration: Migration = {
  version: 4,
  name: 'role-definitions',
  sql: `
CREATE TABLE role_definitions (
  id_key TEXT NOT NULL PRIMARY KEY,
  name_key TEXT NOT NULL UNIQUE,
  id TEXT NOT NULL,
  role_name TEXT NOT NULL,
  description TEXT NOT NULL,
  assignable_scopes TEXT NOT NULL,
  permissions TEXT NOT NULL,
  scope TEXT NOT NULL,
  created_by TEXT,
  updated_by TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
) STRICT;

ALTER TABLE role_assignments ADD COLUMN role_key TEXT NOT NULL DEFAULT '';
ALTER TABLE role_assignments ADD COLUMN name_key TEXT NOT NULL DEFAULT '';
ALTER TABLE role_assignments ADD COLUMN updated_by TEXT;
ALTER TABLE role_assignments ADD COLUMN abac_condition TEXT;
ALTER TABLE role_assignments ADD COLUMN abac_condition_version TEXT;
UPDATE role_assignments SET role_key = lower(substr(role_definition_id, -36)), name_key = lower(name), updated_by = created_by;
CREATE INDEX role_assignments_role ON role_assignments (role_key);
CREATE UNIQUE INDEX role_assignments_name ON role_assignments (name_key);
CREATE UNIQUE INDEX role_assignments_grant ON role_assignments (scope_key, principal_key, role_key);
`,
};
