import type { LoginCodeRecord } from '../records.js';
import type { LoginCodeRepo } from '../store.js';
import { insertOrConflict } from './conflict.js';
import type { Executor } from './executor.js';

interface LoginCodeRow {
  code_hash: string;
  principal_object_id: string;
  tenant_id: string;
  created_at: number;
  expires_at: number;
  consumed_at: number | null;
}

const COLUMNS = 'code_hash, principal_object_id, tenant_id, created_at, expires_at, consumed_at';

const toRecord = (r: LoginCodeRow): LoginCodeRecord => ({
  codeHash: r.code_hash,
  principalObjectId: r.principal_object_id,
  tenantId: r.tenant_id,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  consumedAt: r.consumed_at,
});

/** Code hashes are lower-case hex, compared exactly. */
export class SqlLoginCodeRepo implements LoginCodeRepo {
  constructor(private readonly db: Executor) {}

  async create(rec: LoginCodeRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO login_codes (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [rec.codeHash, rec.principalObjectId, rec.tenantId, rec.createdAt, rec.expiresAt, rec.consumedAt],
      'Login code',
      'code',
    );
  }

  /** One conditional UPDATE … RETURNING: the database, not the caller, decides which of two racing redeemers wins. */
  async consume(codeHash: string, now: number): Promise<LoginCodeRecord | undefined> {
    const row = await this.db.get<LoginCodeRow>(
      `UPDATE login_codes SET consumed_at = $2 WHERE code_hash = $1 AND consumed_at IS NULL AND expires_at > $2 RETURNING ${COLUMNS}`,
      [codeHash, now],
    );
    return row && toRecord(row);
  }

  async deleteExpired(before: number): Promise<number> {
    const { changes } = await this.db.run('DELETE FROM login_codes WHERE expires_at <= $1', [before]);
    return changes;
  }
}
