import type { Migration } from '../migration.js';

// Storage queues and their messages (docs/data-planes.md, queue service). Queues go with their
// account, messages with their queue (ON DELETE CASCADE). Times are epoch ms; a message is
// visible when visible_at <= now and live while expires_at > now (expires_at NULL: never).
// Names compare bytewise (COLLATE "C") as in SQLite.
export const migration: Migration = {
  version: 17,
  name: 'queues',
  sql: `
CREATE TABLE storage_queues (
  account_key TEXT COLLATE "C" NOT NULL REFERENCES storage_accounts (name_key) ON DELETE CASCADE,
  name TEXT COLLATE "C" NOT NULL,
  metadata TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  PRIMARY KEY (account_key, name)
);

CREATE TABLE storage_queue_messages (
  account_key TEXT COLLATE "C" NOT NULL,
  queue TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  text TEXT NOT NULL,
  inserted_at BIGINT NOT NULL,
  expires_at BIGINT,
  visible_at BIGINT NOT NULL,
  pop_receipt TEXT NOT NULL,
  dequeue_count INTEGER NOT NULL,
  PRIMARY KEY (account_key, queue, id),
  FOREIGN KEY (account_key, queue) REFERENCES storage_queues (account_key, name) ON DELETE CASCADE
);
CREATE INDEX storage_queue_messages_order ON storage_queue_messages (account_key, queue, inserted_at, id);
`,
};
