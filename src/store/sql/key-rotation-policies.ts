import type { KeyRotationPolicyRecord, KeyRotationPolicyRepo } from '../key-vault.js';
import { lookupKey } from './columns.js';
import type { Executor } from './executor.js';
import { checkLimit } from './paging.js';

interface PolicyRow {
  vault_id: string;
  name: string;
  policy: string;
  auto_rotate: number | string;
  created_at: number | string;
  updated_at: number | string;
}

const toRecord = (r: PolicyRow): KeyRotationPolicyRecord => ({
  vaultId: r.vault_id,
  name: r.name,
  policy: r.policy,
  autoRotate: Number(r.auto_rotate) === 1,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

/** Rotation policies of Key Vault keys, one per key name. */
export class SqlKeyRotationPolicyRepo implements KeyRotationPolicyRepo {
  constructor(private readonly db: Executor) {}

  async put(p: KeyRotationPolicyRecord): Promise<void> {
    await this.db.run(
      `INSERT INTO key_vault_key_policies (vault_key, name_key, vault_id, name, policy, auto_rotate, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (vault_key, name_key) DO UPDATE SET policy = excluded.policy, auto_rotate = excluded.auto_rotate,
         updated_at = excluded.updated_at`,
      [
        lookupKey(p.vaultId),
        lookupKey(p.name),
        p.vaultId,
        p.name,
        p.policy,
        p.autoRotate ? 1 : 0,
        p.createdAt,
        p.updatedAt,
      ],
    );
  }

  async get(vaultId: string, name: string): Promise<KeyRotationPolicyRecord | undefined> {
    const r = await this.db.get<PolicyRow>(
      'SELECT * FROM key_vault_key_policies WHERE vault_key = $1 AND name_key = $2',
      [lookupKey(vaultId), lookupKey(name)],
    );
    return r && toRecord(r);
  }

  async delete(vaultId: string, name: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM key_vault_key_policies WHERE vault_key = $1 AND name_key = $2', [
      lookupKey(vaultId),
      lookupKey(name),
    ]);
    return changes === 1;
  }

  async listAutoRotate(limit: number, after?: { vaultId: string; name: string }): Promise<KeyRotationPolicyRecord[]> {
    checkLimit(limit);
    const params = after ? [lookupKey(after.vaultId), lookupKey(after.name)] : [];
    const where = after ? ' AND (vault_key > $1 OR (vault_key = $1 AND name_key > $2))' : '';
    const rows = await this.db.all<PolicyRow>(
      `SELECT * FROM key_vault_key_policies WHERE auto_rotate = 1${where} ORDER BY vault_key, name_key LIMIT ${limit}`,
      params,
    );
    return rows.map(toRecord);
  }
}
