import type { TenantRecord } from '../records.js';
import type { TenantRepo } from '../store.js';
import { lookupKey } from './columns.js';
import { insertOrConflict } from './conflict.js';
import type { Executor } from './executor.js';

interface TenantRow {
  id: string;
  display_name: string;
  created_at: number;
}

const COLUMNS = 'id, display_name, created_at';

const toRecord = (r: TenantRow): TenantRecord => ({ id: r.id, displayName: r.display_name, createdAt: r.created_at });

export class SqlTenantRepo implements TenantRepo {
  constructor(private readonly db: Executor) {}

  async create(t: TenantRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      'INSERT INTO tenants (id_key, id, display_name, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
      [lookupKey(t.id), t.id, t.displayName, t.createdAt],
      `Tenant '${t.id}'`,
      t.id,
    );
  }

  async get(id: string): Promise<TenantRecord | undefined> {
    const row = await this.db.get<TenantRow>(`SELECT ${COLUMNS} FROM tenants WHERE id_key = $1`, [lookupKey(id)]);
    return row && toRecord(row);
  }

  /** Ordered by lower-cased id. */
  async list(): Promise<TenantRecord[]> {
    const rows = await this.db.all<TenantRow>(`SELECT ${COLUMNS} FROM tenants ORDER BY id_key`);
    return rows.map(toRecord);
  }
}
