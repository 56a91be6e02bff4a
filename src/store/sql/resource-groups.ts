import { invalid } from '../../kernel/errors.js';
import type { ResourceGroupRecord } from '../records.js';
import type { Page, ResourceGroupRepo } from '../store.js';
import { fromJson, lookupKey, toJson } from './columns.js';
import { insertOrConflict } from './conflict.js';
import type { Executor } from './executor.js';

interface ResourceGroupRow {
  name_key: string;
  id: string;
  subscription_id: string;
  name: string;
  location: string;
  tags: string;
  managed_by: string | null;
  created_at: number;
  updated_at: number;
}

const COLUMNS = 'name_key, id, subscription_id, name, location, tags, managed_by, created_at, updated_at';

const toRecord = (r: ResourceGroupRow): ResourceGroupRecord => ({
  id: r.id,
  subscriptionId: r.subscription_id,
  name: r.name,
  location: r.location,
  tags: fromJson<Record<string, string>>(r.tags, 'resource group tags'),
  managedBy: r.managed_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class SqlResourceGroupRepo implements ResourceGroupRepo {
  constructor(private readonly db: Executor) {}

  async create(rg: ResourceGroupRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO resource_groups
         (subscription_key, name_key, id, subscription_id, name, location, tags, managed_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING`,
      [
        lookupKey(rg.subscriptionId),
        lookupKey(rg.name),
        rg.id,
        rg.subscriptionId,
        rg.name,
        rg.location,
        toJson(rg.tags),
        rg.managedBy,
        rg.createdAt,
        rg.updatedAt,
      ],
      `Resource group '${rg.name}'`,
      rg.id,
    );
  }

  async update(rg: ResourceGroupRecord): Promise<boolean> {
    const { changes } = await this.db.run(
      `UPDATE resource_groups SET tags = $3, managed_by = $4, updated_at = $5
       WHERE subscription_key = $1 AND name_key = $2`,
      [lookupKey(rg.subscriptionId), lookupKey(rg.name), toJson(rg.tags), rg.managedBy, rg.updatedAt],
    );
    return changes === 1;
  }

  async get(subscriptionId: string, name: string): Promise<ResourceGroupRecord | undefined> {
    const row = await this.db.get<ResourceGroupRow>(
      `SELECT ${COLUMNS} FROM resource_groups WHERE subscription_key = $1 AND name_key = $2`,
      [lookupKey(subscriptionId), lookupKey(name)],
    );
    return row && toRecord(row);
  }

  /** Keyset paging on name_key; one extra row is fetched to know whether a next page exists. */
  async list(subscriptionId: string, limit: number, after?: string): Promise<Page<ResourceGroupRecord>> {
    if (!Number.isInteger(limit) || limit < 1) throw invalid(`Page size must be a positive integer, got ${limit}`);
    const sub = lookupKey(subscriptionId);
    const rows =
      after === undefined
        ? await this.db.all<ResourceGroupRow>(
            `SELECT ${COLUMNS} FROM resource_groups WHERE subscription_key = $1 ORDER BY name_key LIMIT $2`,
            [sub, limit + 1],
          )
        : await this.db.all<ResourceGroupRow>(
            `SELECT ${COLUMNS} FROM resource_groups WHERE subscription_key = $1 AND name_key > $2 ORDER BY name_key LIMIT $3`,
            [sub, after, limit + 1],
          );
    const page = rows.slice(0, limit);
    const items = page.map(toRecord);
    const last = page[page.length - 1];
    return rows.length > limit && last !== undefined ? { items, next: last.name_key } : { items };
  }

  async delete(subscriptionId: string, name: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM resource_groups WHERE subscription_key = $1 AND name_key = $2', [
      lookupKey(subscriptionId),
      lookupKey(name),
    ]);
    return changes === 1;
  }
}
