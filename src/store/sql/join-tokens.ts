import type { JoinTokenRecord } from '../records.js';
import type { JoinTokenRepo } from '../store.js';
import { lookupKey } from './columns.js';
import { insertOrConflict } from './conflict.js';
import type { Executor } from './executor.js';

interface JoinTokenRow {
  id: string;
  resource_id: string;
  hash: string;
  /** INTEGER 0/1 on SQLite, BOOLEAN on PostgreSQL. */
  ephemeral: number | boolean;
  created_by: string;
  created_at: number;
  expires_at: number;
  used_at: number | null;
}

const COLUMNS = 'id, resource_id, hash, ephemeral, created_by, created_at, expires_at, used_at';

const toRecord = (r: JoinTokenRow): JoinTokenRecord => ({
  id: r.id,
  resourceId: r.resource_id,
  hash: r.hash,
  ephemeral: r.ephemeral === true || r.ephemeral === 1,
  createdBy: r.created_by,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
});

/** Token ids are GUIDs, looked up case-insensitively like every other id. */
export class SqlJoinTokenRepo implements JoinTokenRepo {
  constructor(private readonly db: Executor) {}

  async create(t: JoinTokenRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO join_tokens (id_key, resource_key, id, resource_id, hash, ephemeral, created_by, created_at, expires_at, used_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      [
        lookupKey(t.id),
        lookupKey(t.resourceId),
        t.id,
        t.resourceId,
        t.hash,
        // PostgreSQL reads the parameter '1'/'0' as a boolean; the executor has no boolean type.
        t.ephemeral ? 1 : 0,
        t.createdBy,
        t.createdAt,
        t.expiresAt,
        t.usedAt,
      ],
      `Join token '${t.id}'`,
      t.id,
    );
  }

  async get(id: string): Promise<JoinTokenRecord | undefined> {
    const row = await this.db.get<JoinTokenRow>(`SELECT ${COLUMNS} FROM join_tokens WHERE id_key = $1`, [
      lookupKey(id),
    ]);
    return row && toRecord(row);
  }

  /** One conditional UPDATE: the database, not the caller, decides which of two racing agents wins. */
  async consume(id: string, now: number): Promise<boolean> {
    const { changes } = await this.db.run(
      'UPDATE join_tokens SET used_at = $2 WHERE id_key = $1 AND used_at IS NULL AND expires_at > $2',
      [lookupKey(id), now],
    );
    return changes === 1;
  }

  async countOutstanding(resourceId: string, now: number): Promise<number> {
    const row = await this.db.get<{ n: number | string }>(
      'SELECT COUNT(*) AS n FROM join_tokens WHERE resource_key = $1 AND used_at IS NULL AND expires_at > $2',
      [lookupKey(resourceId), now],
    );
    return Number(row?.n ?? 0);
  }

  async deleteForResource(resourceId: string): Promise<number> {
    const { changes } = await this.db.run('DELETE FROM join_tokens WHERE resource_key = $1', [lookupKey(resourceId)]);
    return changes;
  }

  async deleteExpired(now: number): Promise<number> {
    const { changes } = await this.db.run('DELETE FROM join_tokens WHERE expires_at <= $1', [now]);
    return changes;
  }
}
