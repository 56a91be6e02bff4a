import type { DeletedSecretRecord, KeyVaultSecretRepo, SecretVersionRecord } from '../key-vault.js';
import { fromJson, lookupKey, toJson } from './columns.js';
import { insertOrConflict } from './conflict.js';
import type { Executor } from './executor.js';

interface SecretRow {
  vault_id: string;
  name: string;
  version: string;
  sealed_value: string;
  content_type: string | null;
  tags: string;
  enabled: number;
  not_before: number | null;
  expires: number | null;
  created_at: number;
  updated_at: number;
}

interface DeletedRow {
  vault_id: string;
  name: string;
  deleted_at: number;
  scheduled_purge_at: number;
}

const COLUMNS =
  'vault_id, name, version, sealed_value, content_type, tags, enabled, not_before, expires, created_at, updated_at';
const NEWEST_FIRST = 'ORDER BY created_at DESC, version DESC';
const nullableNumber = (n: number | null): number | null => (n === null ? null : Number(n));

const toRecord = (r: SecretRow): SecretVersionRecord => ({
  vaultId: r.vault_id,
  name: r.name,
  version: r.version,
  sealedValue: r.sealed_value,
  contentType: r.content_type,
  tags: fromJson<Record<string, string>>(r.tags, 'secret tags'),
  enabled: Number(r.enabled) === 1,
  notBefore: nullableNumber(r.not_before),
  expires: nullableNumber(r.expires),
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const toDeleted = (r: DeletedRow): DeletedSecretRecord => ({
  vaultId: r.vault_id,
  name: r.name,
  deletedAt: Number(r.deleted_at),
  scheduledPurgeAt: Number(r.scheduled_purge_at),
});

export class SqlKeyVaultSecretRepo implements KeyVaultSecretRepo {
  constructor(private readonly db: Executor) {}

  async putVersion(s: SecretVersionRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO key_vault_secrets (vault_key, name_key, version, vault_id, name, sealed_value, content_type, tags, enabled, not_before, expires, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT DO NOTHING`,
      [
        lookupKey(s.vaultId),
        lookupKey(s.name),
        s.version,
        s.vaultId,
        s.name,
        s.sealedValue,
        s.contentType,
        toJson(s.tags),
        s.enabled ? 1 : 0,
        s.notBefore,
        s.expires,
        s.createdAt,
        s.updatedAt,
      ],
      `Secret version '${s.name}/${s.version}'`,
      s.name,
    );
  }

  async updateVersion(s: SecretVersionRecord): Promise<boolean> {
    const { changes } = await this.db.run(
      `UPDATE key_vault_secrets SET content_type = $4, tags = $5, enabled = $6, not_before = $7, expires = $8, updated_at = $9
       WHERE vault_key = $1 AND name_key = $2 AND version = $3`,
      [
        lookupKey(s.vaultId),
        lookupKey(s.name),
        s.version,
        s.contentType,
        toJson(s.tags),
        s.enabled ? 1 : 0,
        s.notBefore,
        s.expires,
        s.updatedAt,
      ],
    );
    return changes === 1;
  }

  async getVersion(vaultId: string, name: string, version: string): Promise<SecretVersionRecord | undefined> {
    const row = await this.db.get<SecretRow>(
      `SELECT ${COLUMNS} FROM key_vault_secrets WHERE vault_key = $1 AND name_key = $2 AND version = $3`,
      [lookupKey(vaultId), lookupKey(name), version.toLowerCase()],
    );
    return row && toRecord(row);
  }

  async latest(vaultId: string, name: string): Promise<SecretVersionRecord | undefined> {
    const row = await this.db.get<SecretRow>(
      `SELECT ${COLUMNS} FROM key_vault_secrets WHERE vault_key = $1 AND name_key = $2 ${NEWEST_FIRST} LIMIT 1`,
      [lookupKey(vaultId), lookupKey(name)],
    );
    return row && toRecord(row);
  }

  async listVersions(vaultId: string, name: string): Promise<SecretVersionRecord[]> {
    const rows = await this.db.all<SecretRow>(
      `SELECT ${COLUMNS} FROM key_vault_secrets WHERE vault_key = $1 AND name_key = $2 ${NEWEST_FIRST}`,
      [lookupKey(vaultId), lookupKey(name)],
    );
    return rows.map(toRecord);
  }

  /** All versions, newest first within each name; the first row of each name is its latest. */
  async listLatest(vaultId: string): Promise<SecretVersionRecord[]> {
    const rows = await this.db.all<SecretRow & { name_key: string }>(
      `SELECT name_key, ${COLUMNS} FROM key_vault_secrets WHERE vault_key = $1 ORDER BY name_key, created_at DESC, version DESC`,
      [lookupKey(vaultId)],
    );
    const seen = new Set<string>();
    return rows.filter((r) => !seen.has(r.name_key) && seen.add(r.name_key)).map(toRecord);
  }

  async markDeleted(d: DeletedSecretRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO key_vault_deleted_secrets (vault_key, name_key, vault_id, name, deleted_at, scheduled_purge_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [lookupKey(d.vaultId), lookupKey(d.name), d.vaultId, d.name, d.deletedAt, d.scheduledPurgeAt],
      `Deleted secret '${d.name}'`,
      d.name,
    );
  }

  async getDeleted(vaultId: string, name: string): Promise<DeletedSecretRecord | undefined> {
    const row = await this.db.get<DeletedRow>(
      'SELECT vault_id, name, deleted_at, scheduled_purge_at FROM key_vault_deleted_secrets WHERE vault_key = $1 AND name_key = $2',
      [lookupKey(vaultId), lookupKey(name)],
    );
    return row && toDeleted(row);
  }

  async listDeleted(vaultId: string): Promise<DeletedSecretRecord[]> {
    const rows = await this.db.all<DeletedRow>(
      'SELECT vault_id, name, deleted_at, scheduled_purge_at FROM key_vault_deleted_secrets WHERE vault_key = $1 ORDER BY name_key',
      [lookupKey(vaultId)],
    );
    return rows.map(toDeleted);
  }

  async recover(vaultId: string, name: string): Promise<boolean> {
    const { changes } = await this.db.run(
      'DELETE FROM key_vault_deleted_secrets WHERE vault_key = $1 AND name_key = $2',
      [lookupKey(vaultId), lookupKey(name)],
    );
    return changes === 1;
  }

  /** Two statements: call inside `tx`. Only a deleted secret can be purged. */
  async purge(vaultId: string, name: string): Promise<boolean> {
    if (!(await this.recover(vaultId, name))) return false;
    await this.db.run('DELETE FROM key_vault_secrets WHERE vault_key = $1 AND name_key = $2', [
      lookupKey(vaultId),
      lookupKey(name),
    ]);
    return true;
  }
}
