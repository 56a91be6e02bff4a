import type { Migration } from '../migration.js';

// The activity log and the sign-in log (docs/audit.md). Each is a hash chain: `seq` counts up from 1
// per log with no gaps, and `hash` covers the previous row's hash, so an edited, inserted or
// deleted row is detectable. `audit_heads` holds each chain's last seq/hash (appends update it,
// which also serializes concurrent appends) and the checkpoint retention leaves behind: the
// seq/hash of the last row it deleted, so the remaining chain still verifies from there.
// `*_key` columns are lower-cased filter copies of values inside `data` (the hashed JSON); they
// use COLLATE "C" so they compare bytes exactly as SQLite does.
export const migration: Migration = {
  version: 5,
  name: 'audit',
  sql: `
CREATE TABLE audit_heads (
  log TEXT NOT NULL PRIMARY KEY,
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  base_seq BIGINT NOT NULL,
  base_hash TEXT NOT NULL
);
INSERT INTO audit_heads (log, seq, hash, base_seq, base_hash) VALUES ('activity', 0, '', 0, ''), ('signIns', 0, '', 0, '');

CREATE TABLE activity_log (
  seq BIGINT NOT NULL PRIMARY KEY,
  at BIGINT NOT NULL,
  subscription_key TEXT COLLATE "C" NOT NULL,
  resource_group_key TEXT COLLATE "C" NOT NULL,
  resource_key TEXT COLLATE "C" NOT NULL,
  correlation_key TEXT COLLATE "C" NOT NULL,
  caller_key TEXT COLLATE "C" NOT NULL,
  data TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX activity_log_at ON activity_log (at);
CREATE INDEX activity_log_resource ON activity_log (resource_key);

CREATE TABLE sign_in_log (
  seq BIGINT NOT NULL PRIMARY KEY,
  at BIGINT NOT NULL,
  principal_key TEXT COLLATE "C" NOT NULL,
  client_key TEXT COLLATE "C" NOT NULL,
  identity_key TEXT COLLATE "C" NOT NULL,
  calling_key TEXT COLLATE "C" NOT NULL,
  result TEXT NOT NULL,
  correlation_key TEXT COLLATE "C" NOT NULL,
  data TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE INDEX sign_in_log_at ON sign_in_log (at);
CREATE INDEX sign_in_log_identity ON sign_in_log (identity_key, calling_key, at);
`,
};
