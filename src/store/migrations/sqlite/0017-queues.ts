import type { Migration } from '../migration.js';

// Storage queues and their messages (docs/data-planes.md, queue service). Queues go with their
// account, messages with their queue (ON DELETE CASCADE). Times are epoch ms; a message is
// visible when visible_at <= now and live while expires_at > now (expires_at NULL: never).
export const migration: Migration = {
  version: 17,
  name: 'queues',
  sql: `
CREATE TABLE storage_queues (
  account_key TEXT NOT NULL REFERENCES storage_accounts (name_key) ON DELETE CASCADE,
  name TEXT NOT NULL,
  metadata TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (account_key, name)
) STRICT;

CREATE TABLE storage_queue_messages (
  account_key TEXT NOT NULL,
  queue TEXT NOT NULL,
  id TEXT NOT NULL,
  text TEXT NOT NULL,
  inserted_at INTEGER NOT NULL,
  expires_at INTEGER,
  visible_at INTEGER NOT NULL,
  pop_receipt TEXT NOT NULL,
  dequeue_count INTEGER NOT NULL,
  PRIMARY KEY (account_key, queue, id),
  FOREIGN KEY (account_key, queue) REFERENCES storage_queues (account_key, name) ON DELETE CASCADE
) STRICT;
CREATE INDEX storage_queue_messages_order ON storage_queue_messages (account_key, queue, inserted_at, id);
`,
};
