import type { Migration } from '../migration.js';

// One-time portal login codes (`openmi portal`): only the SHA-256 of a code is stored. Codes are
// short-lived; expired rows are purged when new codes are made.
export const migration: Migration = {
  version: 8,
  name: 'login-codes',
  sql: `
CREATE TABLE login_codes (
  code_hash TEXT NOT NULL PRIMARY KEY,
  principal_object_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  consumed_at INTEGER
) STRICT;
CREATE INDEX login_codes_expires ON login_codes (expires_at);
`,
};
