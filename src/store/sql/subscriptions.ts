import type { SubscriptionRecord } from '../records.js';
import type { SubscriptionRepo } from '../store.js';
import { lookupKey } from './columns.js';
import { insertOrConflict } from './conflict.js';
import type { Executor } from './executor.js';

interface SubscriptionRow {
  id: string;
  tenant_id: string;
  display_name: string;
  state: SubscriptionRecord['state'];
  created_at: number;
}

const COLUMNS = 'id, tenant_id, display_name, state, created_at';

const toRecord = (r: SubscriptionRow): SubscriptionRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  displayName: r.display_name,
  state: r.state,
  createdAt: r.created_at,
});

export class SqlSubscriptionRepo implements SubscriptionRepo {
  constructor(private readonly db: Executor) {}

  async create(s: SubscriptionRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO subscriptions (id_key, id, tenant_id, display_name, state, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [lookupKey(s.id), s.id, s.tenantId, s.displayName, s.state, s.createdAt],
      `Subscription '${s.id}'`,
      s.id,
    );
  }

  async get(id: string): Promise<SubscriptionRecord | undefined> {
    const row = await this.db.get<SubscriptionRow>(`SELECT ${COLUMNS} FROM subscriptions WHERE id_key = $1`, [
      lookupKey(id),
    ]);
    return row && toRecord(row);
  }

  /** Ordered by lower-cased id. */
  async list(): Promise<SubscriptionRecord[]> {
    const rows = await this.db.all<SubscriptionRow>(`SELECT ${COLUMNS} FROM subscriptions ORDER BY id_key`);
    return rows.map(toRecord);
  }
}
