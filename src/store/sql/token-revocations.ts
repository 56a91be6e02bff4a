import type { TokenRevocationRecord } from '../records.js';
import type { TokenRevocationRepo } from '../store.js';
import { lookupKey } from './columns.js';
import type { Executor } from './executor.js';

interface TokenRevocationRow {
  principal_id: string;
  revoked_at: number;
  revoked_by: string;
}

const COLUMNS = 'principal_id, revoked_at, revoked_by';

const toRecord = (r: TokenRevocationRow): TokenRevocationRecord => ({
  principalId: r.principal_id,
  revokedAt: r.revoked_at,
  revokedBy: r.revoked_by,
});

export class SqlTokenRevocationRepo implements TokenRevocationRepo {
  constructor(private readonly db: Executor) {}

  /**
   * One upsert whose update is conditional, so two nodes revoking at once cannot move the time
   * backwards whatever order their statements land in. An older or equal time changes nothing,
   * not even revokedBy: the recorded revoker is the one whose time holds.
   */
  async put(r: TokenRevocationRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO token_revocations (principal_key, principal_id, revoked_at, revoked_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (principal_key) DO UPDATE SET revoked_at = excluded.revoked_at, revoked_by = excluded.revoked_by
       WHERE excluded.revoked_at > token_revocations.revoked_at`,
      [lookupKey(r.principalId), r.principalId, r.revokedAt, r.revokedBy],
    );
  }

  async get(principalId: string): Promise<TokenRevocationRecord | undefined> {
    const row = await this.db.get<TokenRevocationRow>(
      `SELECT ${COLUMNS} FROM token_revocations WHERE principal_key = $1`,
      [lookupKey(principalId)],
    );
    return row && toRecord(row);
  }

  /** Ordered by lower-cased principal id. */
  async list(): Promise<TokenRevocationRecord[]> {
    const rows = await this.db.all<TokenRevocationRow>(
      `SELECT ${COLUMNS} FROM token_revocations ORDER BY principal_key`,
    );
    return rows.map(toRecord);
  }

  async delete(principalId: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM token_revocations WHERE principal_key = $1', [
      lookupKey(principalId),
    ]);
    return changes === 1;
  }

  async deleteRevokedBefore(before: number): Promise<number> {
    const { changes } = await this.db.run('DELETE FROM token_revocations WHERE revoked_at < $1', [before]);
    return changes;
  }
}
