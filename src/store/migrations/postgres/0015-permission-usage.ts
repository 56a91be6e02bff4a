import type { Migration } from '../migration.js';

// Which permissions each principal used (docs/audit.md, permission usage): one row per principal,
// operation, scope checked, role assignment that allowed it and UTC day (`day`, epoch ms of its
// midnight), counted. Servers upsert batches (count += n, last_at = max) every few seconds.
// The `*_key` columns hold the lower-cased values (ARM ids and operations compare without case).
export const migration: Migration = {
  version: 15,
  name: 'permission-usage',
  sql: `
CREATE TABLE permission_usage (
  principal_key TEXT COLLATE "C" NOT NULL,
  day BIGINT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('action', 'dataAction')),
  action_key TEXT COLLATE "C" NOT NULL,
  scope_key TEXT COLLATE "C" NOT NULL,
  assignment_key TEXT COLLATE "C" NOT NULL,
  principal_id TEXT NOT NULL,
  action TEXT NOT NULL,
  scope TEXT NOT NULL,
  assignment_id TEXT NOT NULL,
  count BIGINT NOT NULL,
  last_at BIGINT NOT NULL,
  PRIMARY KEY (principal_key, day, kind, action_key, scope_key, assignment_key)
);
CREATE INDEX permission_usage_day ON permission_usage (day);
`,
};
