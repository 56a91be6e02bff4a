import type { Migration } from '../migration.js';

// The sign-in log is also served in Microsoft Graph's shape (docs/wire/graph.md), whose filters and
// single-row read need three more filter copies of hashed values: `flow` (for `signInEventTypes`),
// `error_code` (for `status/errorCode`) and `id_key` (the row's id, for `/auditLogs/signIns/{id}`).
// Rows written before are filled from their JSON; a row whose JSON is not valid keeps '' and
// `openmi audit verify` reports it, as it would have before.
export const migration: Migration = {
  version: 12,
  name: 'sign-in-graph-keys',
  sql: `
ALTER TABLE sign_in_log ADD COLUMN flow TEXT NOT NULL DEFAULT '';
ALTER TABLE sign_in_log ADD COLUMN error_code TEXT NOT NULL DEFAULT '';
ALTER TABLE sign_in_log ADD COLUMN id_key TEXT NOT NULL DEFAULT '';
UPDATE sign_in_log SET
  flow = COALESCE(json_extract(data, '$.flow'), ''),
  error_code = COALESCE(json_extract(data, '$.errorCode'), ''),
  id_key = lower(COALESCE(json_extract(data, '$.id'), ''))
WHERE json_valid(data);
CREATE INDEX sign_in_log_id ON sign_in_log (id_key);
`,
};
