import type { Migration } from '../migration.js';

// Key Vault key rotation policies (learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation):
// one per key name, whatever its versions. `policy` is the policy as JSON (lifetime actions and
// expiry duration); `auto_rotate` (0 or 1) marks those with a Rotate action, the only ones the
// housekeeping leader reads (docs/data-planes.md#key-vault).
export const migration: Migration = {
  version: 21,
  name: 'key-rotation-policies',
  sql: `
CREATE TABLE key_vault_key_policies (
  vault_key TEXT NOT NULL,
  name_key TEXT NOT NULL,
  vault_id TEXT NOT NULL,
  name TEXT NOT NULL,
  policy TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  auto_rotate INTEGER NOT NULL,
  PRIMARY KEY (vault_key, name_key)
) STRICT;

CREATE INDEX key_vault_key_policies_auto ON key_vault_key_policies (auto_rotate, vault_key, name_key);
`,
};
