import type { DeletedVaultObject, VaultObjectRepo, VaultObjectVersion } from '../key-vault.js';
import { lookupKey } from './columns.js';
import { insertOrConflict } from './conflict.js';
import type { Executor } from './executor.js';

interface ObjectRow {
  vault_id: string;
  name: string;
  version: string;
  doc: string;
  sealed: string | null;
  created_at: number;
}

interface DeletedRow {
  vault_id: string;
  name: string;
  deleted_at: number;
  scheduled_purge_at: number;
}

const COLUMNS = 'vault_id, name, version, doc, sealed, created_at';
const NEWEST_FIRST = 'ORDER BY created_at DESC, version DESC';

const toRecord = (r: ObjectRow): VaultObjectVersion => ({
  vaultId: r.vault_id,
  name: r.name,
  version: r.version,
  doc: r.doc,
  sealed: r.sealed,
  createdAt: Number(r.created_at),
});

const toDeleted = (r: DeletedRow): DeletedVaultObject => ({
  vaultId: r.vault_id,
  name: r.name,
  deletedAt: Number(r.deleted_at),
  scheduledPurgeAt: Number(r.scheduled_purge_at),
});

/** Keys or certificates of a vault: `kind` names the table pair (`key_vault_{kind}`, `key_vault_deleted_{kind}`). */
export class SqlVaultObjectRepo implements VaultObjectRepo {
  private readonly table: string;
  private readonly deleted: string;
  constructor(
    private readonly db: Executor,
    kind: 'keys' | 'certificates',
  ) {
    this.table = `key_vault_${kind}`;
    this.deleted = `key_vault_deleted_${kind}`;
  }

  async putVersion(o: VaultObjectVersion): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO ${this.table} (vault_key, name_key, version, vault_id, name, doc, sealed, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING`,
      [lookupKey(o.vaultId), lookupKey(o.name), o.version, o.vaultId, o.name, o.doc, o.sealed, o.createdAt],
      `Version '${o.name}/${o.version}'`,
      o.name,
    );
  }

  async updateDoc(vaultId: string, name: string, version: string, doc: string): Promise<boolean> {
    const { changes } = await this.db.run(
      `UPDATE ${this.table} SET doc = $4 WHERE vault_key = $1 AND name_key = $2 AND version = $3`,
      [lookupKey(vaultId), lookupKey(name), version.toLowerCase(), doc],
    );
    return changes === 1;
  }

  async getVersion(vaultId: string, name: string, version: string): Promise<VaultObjectVersion | undefined> {
    const row = await this.db.get<ObjectRow>(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE vault_key = $1 AND name_key = $2 AND version = $3`,
      [lookupKey(vaultId), lookupKey(name), version.toLowerCase()],
    );
    return row && toRecord(row);
  }

  async latest(vaultId: string, name: string): Promise<VaultObjectVersion | undefined> {
    const row = await this.db.get<ObjectRow>(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE vault_key = $1 AND name_key = $2 ${NEWEST_FIRST} LIMIT 1`,
      [lookupKey(vaultId), lookupKey(name)],
    );
    return row && toRecord(row);
  }

  async listVersions(vaultId: string, name: string): Promise<VaultObjectVersion[]> {
    const rows = await this.db.all<ObjectRow>(
      `SELECT ${COLUMNS} FROM ${this.table} WHERE vault_key = $1 AND name_key = $2 ${NEWEST_FIRST}`,
      [lookupKey(vaultId), lookupKey(name)],
    );
    return rows.map(toRecord);
  }

  /** All versions, newest first within each name; the first row of each name is its latest. */
  async listLatest(vaultId: string): Promise<VaultObjectVersion[]> {
    const rows = await this.db.all<ObjectRow & { name_key: string }>(
      `SELECT name_key, ${COLUMNS} FROM ${this.table} WHERE vault_key = $1 ORDER BY name_key, created_at DESC, version DESC`,
      [lookupKey(vaultId)],
    );
    const seen = new Set<string>();
    return rows.filter((r) => !seen.has(r.name_key) && seen.add(r.name_key)).map(toRecord);
  }

  async markDeleted(d: DeletedVaultObject): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO ${this.deleted} (vault_key, name_key, vault_id, name, deleted_at, scheduled_purge_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [lookupKey(d.vaultId), lookupKey(d.name), d.vaultId, d.name, d.deletedAt, d.scheduledPurgeAt],
      `Deleted object '${d.name}'`,
      d.name,
    );
  }

  async getDeleted(vaultId: string, name: string): Promise<DeletedVaultObject | undefined> {
    const row = await this.db.get<DeletedRow>(
      `SELECT vault_id, name, deleted_at, scheduled_purge_at FROM ${this.deleted} WHERE vault_key = $1 AND name_key = $2`,
      [lookupKey(vaultId), lookupKey(name)],
    );
    return row && toDeleted(row);
  }

  async listDeleted(vaultId: string): Promise<DeletedVaultObject[]> {
    const rows = await this.db.all<DeletedRow>(
      `SELECT vault_id, name, deleted_at, scheduled_purge_at FROM ${this.deleted} WHERE vault_key = $1 ORDER BY name_key`,
      [lookupKey(vaultId)],
    );
    return rows.map(toDeleted);
  }

  async recover(vaultId: string, name: string): Promise<boolean> {
    const { changes } = await this.db.run(`DELETE FROM ${this.deleted} WHERE vault_key = $1 AND name_key = $2`, [
      lookupKey(vaultId),
      lookupKey(name),
    ]);
    return changes === 1;
  }

  async purge(vaultId: string, name: string): Promise<boolean> {
    if (!(await this.recover(vaultId, name))) return false;
    await this.db.run(`DELETE FROM ${this.table} WHERE vault_key = $1 AND name_key = $2`, [
      lookupKey(vaultId),
      lookupKey(name),
    ]);
    return true;
  }
}
