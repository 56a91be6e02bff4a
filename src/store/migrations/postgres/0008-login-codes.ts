import type { Migration } from '../migration.js';

// One-time portal login codes (`openmi portal`): only the SHA-256 of a code is stored. Codes are
// short-lived; expired rows are purged when new codes are made. The hash compares bytes exactly
// (COLLATE "C"), as on SQLite.
export const migration: Migration = {
  version: 8,
  name: 'login-codes',
  sql: `
CREATE TABLE login_codes (
  code_hash TEXT COLLATE "C" NOT NULL PRIMARY KEY,
  principal_object_id TEXT NOT NULL,
  tenant_id TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  consumed_at BIGINT NULL
);
CREATE INDEX login_codes_expires ON login_codes (expires_at);
`,
};
