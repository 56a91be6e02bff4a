import type { Migration } from '../migration.js';

// A sign-in row can stand for several refused requests folded into it under a flood (docs/audit.md):
// `requests` is how many, a filter copy of the hashed `count` (1 for every row written before), so
// usage sums requests instead of counting rows.
export const migration: Migration = {
  version: 10,
  name: 'sign-in-requests',
  sql: `
ALTER TABLE sign_in_log ADD COLUMN requests BIGINT NOT NULL DEFAULT 1;
`,
};
