import type { SigningKeyRecord, SigningKeyStatus } from '../records.js';
import type { SigningKeyRepo } from '../store.js';
import { fromJson, toJson } from './columns.js';
import { insertOrConflict } from './conflict.js';
import type { Executor } from './executor.js';

interface SigningKeyRow {
  kid: string;
  status: SigningKeyStatus;
  sealed_private_key: string;
  public_jwk: string;
  created_at: number;
  activated_at: number | null;
  retired_at: number | null;
  publish_until: number | null;
}

const COLUMNS = 'kid, status, sealed_private_key, public_jwk, created_at, activated_at, retired_at, publish_until';

const toRecord = (r: SigningKeyRow): SigningKeyRecord => ({
  kid: r.kid,
  status: r.status,
  sealedPrivateKey: r.sealed_private_key,
  publicJwk: fromJson<Record<string, unknown>>(r.public_jwk, 'signing key JWK'),
  createdAt: r.created_at,
  activatedAt: r.activated_at,
  retiredAt: r.retired_at,
  publishUntil: r.publish_until,
});

/** Kids are JOSE identifiers, compared exactly (no case folding). */
export class SqlSigningKeyRepo implements SigningKeyRepo {
  constructor(private readonly db: Executor) {}

  async insert(k: SigningKeyRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO signing_keys (kid, status, sealed_private_key, public_jwk, created_at, activated_at, retired_at, publish_until)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
      [
        k.kid,
        k.status,
        k.sealedPrivateKey,
        toJson(k.publicJwk),
        k.createdAt,
        k.activatedAt,
        k.retiredAt,
        k.publishUntil,
      ],
      `Signing key '${k.kid}'`,
      k.kid,
    );
  }

  /** Oldest first. */
  async list(): Promise<SigningKeyRecord[]> {
    const rows = await this.db.all<SigningKeyRow>(`SELECT ${COLUMNS} FROM signing_keys ORDER BY created_at, kid`);
    return rows.map(toRecord);
  }

  /** One conditional UPDATE: the database, not the caller, decides which of two racing nodes wins. */
  async transition(
    kid: string,
    from: SigningKeyStatus,
    to: SigningKeyStatus,
    at: { activatedAt?: number; retiredAt?: number; publishUntil?: number },
  ): Promise<boolean> {
    const { changes } = await this.db.run(
      `UPDATE signing_keys SET status = $3,
         activated_at = COALESCE($4, activated_at),
         retired_at = COALESCE($5, retired_at),
         publish_until = COALESCE($6, publish_until)
       WHERE kid = $1 AND status = $2`,
      [kid, from, to, at.activatedAt ?? null, at.retiredAt ?? null, at.publishUntil ?? null],
    );
    return changes === 1;
  }

  async deleteExpired(now: number): Promise<number> {
    const { changes } = await this.db.run("DELETE FROM signing_keys WHERE status = 'retired' AND publish_until < $1", [
      now,
    ]);
    return changes;
  }
}
