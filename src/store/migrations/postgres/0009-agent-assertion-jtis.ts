import type { Migration } from '../migration.js';

// The `jti`s of agent assertions already accepted, kept until the assertion could no longer
// verify (exp + clock skew), so a replay is refused after a restart and by every node sharing
// the store (docs/agent-protocol.md, "Replay"). The primary key is the compare-and-set: the
// first INSERT wins, whichever node it comes from. Ids compare bytes exactly (COLLATE "C"), as
// on SQLite; expired rows are purged by the authenticator.
export const migration: Migration = {
  version: 9,
  name: 'agent-assertion-jtis',
  sql: `
CREATE TABLE agent_assertion_jtis (
  agent_id TEXT COLLATE "C" NOT NULL,
  jti TEXT COLLATE "C" NOT NULL,
  expires_at BIGINT NOT NULL,
  PRIMARY KEY (agent_id, jti)
);
CREATE INDEX agent_assertion_jtis_expires ON agent_assertion_jtis (expires_at);
`,
};
