import type { Migration } from '../migration.js';

// The activity log and the sign-in log (docs/audit.md). Each is a hash chain: `seq` counts up from 1
// per log with no gaps, and `hash` covers the previous row's hash, so an edited, inserted or
// deleted row is detectable. `audit_heads` holds each chain's last seq/hash (appends update it,
// which also serializes concurrent appends) and the checkpoint retention leaves behind: the
// seq/hash of the last row it deleted, so the remaining chain still verifies from there.
// `*_key` columns are lower-cased filter copies of values inside `data` (the hashed JSON).
export const migration: Migration = {
  version: 5,
  name: 'audit',
  sql: `
CREATE TABLE audit_heads (
  log TEXT NOT NULL PRIMARY KEY,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  base_seq INTEGER NOT NULL,
  base_hash TEXT NOT NULL
) STRICT;
INSERT INTO audit_heads (log, seq, hash, base_seq, base_hash) VALUES ('activity', 0, '', 0, ''), ('signIns', 0, '', 0, '');

CREATE TABLE activity_log (
  seq INTEGER NOT NULL PRIMARY KEY,
  at INTEGER NOT NULL,
  subscription_key TEXT NOT NULL,
  resource_group_key TEXT NOT NULL,
  resource_key TEXT NOT NULL,
  correlation_key TEXT NOT NULL,
  caller_key TEXT NOT NULL,
  data TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE INDEX activity_log_at ON activity_log (at);
CREATE INDEX activity_log_resource ON activity_log (resource_key);

CREATE TABLE sign_in_log (
  seq INTEGER NOT NULL PRIMARY KEY,
  at INTEGER NOT NULL,
  principal_key TEXT NOT NULL,
  client_key TEXT NOT NULL,
  identity_key TEXT NOT NULL,
  calling_key TEXT NOT NULL,
  result TEXT NOT NULL,
  correlation_key TEXT NOT NULL,
  data TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
) STRICT;
CREATE INDEX sign_in_log_at ON sign_in_log (at);
CREATE INDEX sign_in_log_identity ON sign_in_log (identity_key, calling_key, at);
`,
};
