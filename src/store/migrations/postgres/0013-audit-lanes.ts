import type { Migration } from '../migration.js';

// Each audit log becomes a set of hash chains ("lanes", docs/audit.md "Tamper evidence"): an
// append takes a lane no other transaction holds, so nodes sharing the database never queue on one
// head row. `audit_heads` gets one row per (log, lane); rows carry their `lane` and their position
// in it (`lane_seq`); the global `seq` that orders and pages the log comes from a sequence (no
// lock, never reused, CACHE 1 so it grows in the order nodes take it). Existing rows become lane 0
// with `lane_seq = seq`: their hashes are unchanged, so an upgraded log still verifies.
export const migration: Migration = {
  version: 13,
  name: 'audit-lanes',
  sql: `
ALTER TABLE audit_heads ADD COLUMN lane INTEGER NOT NULL DEFAULT 0;
ALTER TABLE audit_heads DROP CONSTRAINT audit_heads_pkey;
ALTER TABLE audit_heads ADD PRIMARY KEY (log, lane);
ALTER TABLE audit_heads ALTER COLUMN lane DROP DEFAULT;

ALTER TABLE activity_log ADD COLUMN lane INTEGER NOT NULL DEFAULT 0, ADD COLUMN lane_seq BIGINT NOT NULL DEFAULT 0;
UPDATE activity_log SET lane_seq = seq;
ALTER TABLE activity_log ALTER COLUMN lane DROP DEFAULT, ALTER COLUMN lane_seq DROP DEFAULT;
CREATE UNIQUE INDEX activity_log_lane ON activity_log (lane, lane_seq);

ALTER TABLE sign_in_log ADD COLUMN lane INTEGER NOT NULL DEFAULT 0, ADD COLUMN lane_seq BIGINT NOT NULL DEFAULT 0;
UPDATE sign_in_log SET lane_seq = seq;
ALTER TABLE sign_in_log ALTER COLUMN lane DROP DEFAULT, ALTER COLUMN lane_seq DROP DEFAULT;
CREATE UNIQUE INDEX sign_in_log_lane ON sign_in_log (lane, lane_seq);

CREATE SEQUENCE audit_activity_seq CACHE 1;
CREATE SEQUENCE audit_sign_ins_seq CACHE 1;
SELECT setval('audit_activity_seq', GREATEST(h.seq, COALESCE((SELECT MAX(seq) FROM activity_log), 0), 1), GREATEST(h.seq, COALESCE((SELECT MAX(seq) FROM activity_log), 0)) > 0)
  FROM audit_heads h WHERE h.log = 'activity';
SELECT setval('audit_sign_ins_seq', GREATEST(h.seq, COALESCE((SELECT MAX(seq) FROM sign_in_log), 0), 1), GREATEST(h.seq, COALESCE((SELECT MAX(seq) FROM sign_in_log), 0)) > 0)
  FROM audit_heads h WHERE h.log = 'signIns';
`,
};
