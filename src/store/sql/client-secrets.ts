import type { ClientSecretRecord } from '../records.js';
import type { ClientSecretRepo } from '../store.js';
import { lookupKey } from './columns.js';
import { insertOrConflict } from './conflict.js';
import { countedWrite } from './credential-cache.js';
import type { Executor } from './executor.js';

export interface ClientSecretRow {
  id: string;
  principal_object_id: string;
  hash: string;
  hint: string;
  created_at: number;
  expires_at: number | null;
}

export const SECRET_COLUMNS = ['id', 'principal_object_id', 'hash', 'hint', 'created_at', 'expires_at'] as const;
const COLUMNS = SECRET_COLUMNS.join(', ');

export const toSecretRecord = (r: ClientSecretRow): ClientSecretRecord => ({
  id: r.id,
  principalObjectId: r.principal_object_id,
  hash: r.hash,
  hint: r.hint,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

export class SqlClientSecretRepo implements ClientSecretRepo {
  constructor(
    private readonly db: Executor,
    /** Told before and after every write (credential-cache.ts). */
    private readonly wrote: () => void = () => undefined,
  ) {}

  /** The principal must exist (foreign key); creating a secret for an unknown principal fails. */
  create(s: ClientSecretRecord): Promise<void> {
    return countedWrite(this.wrote, () => this.insert(s));
  }

  private async insert(s: ClientSecretRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO client_secrets (id_key, principal_key, id, principal_object_id, hash, hint, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
      [
        lookupKey(s.id),
        lookupKey(s.principalObjectId),
        s.id,
        s.principalObjectId,
        s.hash,
        s.hint,
        s.createdAt,
        s.expiresAt,
      ],
      `Client secret '${s.id}'`,
      s.id,
    );
  }

  /** Oldest first. */
  async listForPrincipal(objectId: string): Promise<ClientSecretRecord[]> {
    const rows = await this.db.all<ClientSecretRow>(
      `SELECT ${COLUMNS} FROM client_secrets WHERE principal_key = $1 ORDER BY created_at, id_key`,
      [lookupKey(objectId)],
    );
    return rows.map(toSecretRecord);
  }
}
