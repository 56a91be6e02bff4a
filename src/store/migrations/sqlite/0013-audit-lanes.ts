import type { Migration } from '../migration.js';

// Each audit log becomes a set of hash chains ("lanes", docs/audit.md "Tamper evidence"):
// `audit_heads` gets one row per (log, lane), rows carry their `lane` and their position in it
// (`lane_seq`). SQLite has one writer, so it only ever needs lane 0; the tables are the same as on
// PostgreSQL so one repository serves both. The global `seq` comes from `audit_seqs` (never reused,
// even after retention empties a log). Existing rows become lane 0 with `lane_seq = seq`: their
// hashes are unchanged, so an upgraded log still verifies. SQLite cannot change a primary key, so
// `audit_heads` is rebuilt.
export const migration: Migration = {
  version: 13,
  name: 'audit-lanes',
  sql: `
CREATE TABLE audit_heads_lanes (
  log TEXT NOT NULL,
  lane INTEGER NOT NULL,
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL,
  base_seq INTEGER NOT NULL,
  base_hash TEXT NOT NULL,
  PRIMARY KEY (log, lane)
) STRICT;
INSERT INTO audit_heads_lanes (log, lane, seq, hash, base_seq, base_hash)
  SELECT log, 0, seq, hash, base_seq, base_hash FROM audit_heads;
DROP TABLE audit_heads;
ALTER TABLE audit_heads_lanes RENAME TO audit_heads;

ALTER TABLE activity_log ADD COLUMN lane INTEGER NOT NULL DEFAULT 0;
ALTER TABLE activity_log ADD COLUMN lane_seq INTEGER NOT NULL DEFAULT 0;
UPDATE activity_log SET lane_seq = seq;
CREATE UNIQUE INDEX activity_log_lane ON activity_log (lane, lane_seq);

ALTER TABLE sign_in_log ADD COLUMN lane INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sign_in_log ADD COLUMN lane_seq INTEGER NOT NULL DEFAULT 0;
UPDATE sign_in_log SET lane_seq = seq;
CREATE UNIQUE INDEX sign_in_log_lane ON sign_in_log (lane, lane_seq);

CREATE TABLE audit_seqs (log TEXT NOT NULL PRIMARY KEY, seq INTEGER NOT NULL) STRICT;
INSERT INTO audit_seqs (log, seq)
  SELECT 'activity', MAX(COALESCE((SELECT MAX(seq) FROM activity_log), 0), (SELECT seq FROM audit_heads WHERE log = 'activity'));
INSERT INTO audit_seqs (log, seq)
  SELECT 'signIns', MAX(COALESCE((SELECT MAX(seq) FROM sign_in_log), 0), (SELECT seq FROM audit_heads WHERE log = 'signIns'));
`,
};
