import type { AgentRecord } from '../records.js';
import type { AgentRepo } from '../store.js';
import { fromJson, lookupKey, toJson } from './columns.js';
import { insertOrConflict } from './conflict.js';
import type { Executor } from './executor.js';

interface AgentRow {
  id: string;
  resource_id: string;
  public_jwk: string;
  hostname: string;
  join_token_id: string;
  created_at: number;
  expires_at: number | null;
}

const COLUMNS = 'id, resource_id, public_jwk, hostname, join_token_id, created_at, expires_at';

const toRecord = (r: AgentRow): AgentRecord => ({
  id: r.id,
  resourceId: r.resource_id,
  publicJwk: fromJson<Record<string, unknown>>(r.public_jwk, 'agent public JWK'),
  hostname: r.hostname,
  joinTokenId: r.join_token_id,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

export class SqlAgentRepo implements AgentRepo {
  constructor(private readonly db: Executor) {}

  async create(a: AgentRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO agents (id_key, resource_key, id, resource_id, public_jwk, hostname, join_token_id, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING`,
      [
        lookupKey(a.id),
        lookupKey(a.resourceId),
        a.id,
        a.resourceId,
        toJson(a.publicJwk),
        a.hostname,
        a.joinTokenId,
        a.createdAt,
        a.expiresAt,
      ],
      `Agent '${a.id}'`,
      a.id,
    );
  }

  async get(id: string): Promise<AgentRecord | undefined> {
    const row = await this.db.get<AgentRow>(`SELECT ${COLUMNS} FROM agents WHERE id_key = $1`, [lookupKey(id)]);
    return row && toRecord(row);
  }

  async listForResource(resourceId: string): Promise<AgentRecord[]> {
    const rows = await this.db.all<AgentRow>(
      `SELECT ${COLUMNS} FROM agents WHERE resource_key = $1 ORDER BY created_at, id_key`,
      [lookupKey(resourceId)],
    );
    return rows.map(toRecord);
  }

  async delete(id: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM agents WHERE id_key = $1', [lookupKey(id)]);
    return changes === 1;
  }

  async deleteForResource(resourceId: string): Promise<number> {
    const { changes } = await this.db.run('DELETE FROM agents WHERE resource_key = $1', [lookupKey(resourceId)]);
    return changes;
  }

  /** Permanent agents (expires_at NULL) are never selected. */
  async deleteExpired(now: number): Promise<number> {
    const { changes } = await this.db.run('DELETE FROM agents WHERE expires_at IS NOT NULL AND expires_at <= $1', [
      now,
    ]);
    return changes;
  }
}
