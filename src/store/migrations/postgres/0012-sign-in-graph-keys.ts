import type { Migration } from '../migration.js';

// The sign-in log is also served in Microsoft Graph's shape (docs/wire/graph.md), whose filters and
// single-row read need three more filter copies of hashed values: `flow` (for `signInEventTypes`),
// `error_code` (for `status/errorCode`) and `id_key` (the row's id, for `/auditLogs/signIns/{id}`).
// Rows written before are filled from their canonical JSON with patterns, not a JSON cast, so an
// edited row's bad JSON cannot stop the upgrade (`openmi audit verify` reports that row); only an
// error code holding an escaped quote or backslash is read through jsonb. A quote inside a JSON
// string is always escaped, so `"flow":"` cannot match inside another field's value.
export const migration: Migration = {
  version: 12,
  name: 'sign-in-graph-keys',
  sql: String.raw`
ALTER TABLE sign_in_log ADD COLUMN flow TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE sign_in_log ADD COLUMN error_code TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE sign_in_log ADD COLUMN id_key TEXT COLLATE "C" NOT NULL DEFAULT '';
UPDATE sign_in_log SET
  flow = COALESCE(substring(data from '"flow":"([A-Za-z]{1,64})"'), ''),
  id_key = lower(COALESCE(substring(data from '"id":"([0-9A-Za-z-]{1,64})"'), '')),
  error_code = CASE
    WHEN position('"errorCode":null' in data) > 0 THEN ''
    WHEN data ~ '"errorCode":"[^"\\]*"' THEN substring(data from '"errorCode":"([^"\\]*)"')
    ELSE COALESCE(data::jsonb ->> 'errorCode', '')
  END;
CREATE INDEX sign_in_log_id ON sign_in_log (id_key);
`,
};
