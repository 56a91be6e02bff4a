import type { Migration } from '../migration.js';

// A sign-in row can count several requests (folded refusals, and an agent's cached answers per
// identity, audience and minute: docs/audit.md); `last_at` is a filter copy of the hashed `lastAt`
// (the row's `at` when absent), so usage reports the last use, not the first of the last row.
// Rows written before hold `at`, or their `lastAt` when they counted more than one request.
export const migration: Migration = {
  version: 11,
  name: 'sign-in-last-at',
  sql: `
ALTER TABLE sign_in_log ADD COLUMN last_at INTEGER NOT NULL DEFAULT 0;
UPDATE sign_in_log SET last_at = CASE
  WHEN requests > 1 AND json_valid(data) THEN COALESCE(CAST(json_extract(data, '$.lastAt') AS INTEGER), at)
  ELSE at
END;
`,
};
