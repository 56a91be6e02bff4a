import { invalid } from '../../kernel/errors.js';
import type { ComputeResourceRecord } from '../records.js';
import type { ComputeResourceRepo, Page, ResourceListing } from '../store.js';
import { fromJson, lookupKey, toJson } from './columns.js';
import { insertOrConflict } from './conflict.js';
import type { Executor, SqlParams } from './executor.js';
import { checkLimit, encodeCursor, listingWhere, Params, toPage } from './paging.js';

interface ComputeResourceRow {
  id_key: string;
  name_key: string;
  id: string;
  subscription_id: string;
  resource_group: string;
  type: string;
  name: string;
  location: string;
  tags: string;
  body: string;
  system_principal_id: string | null;
  created_at: number;
  updated_at: number;
  /** From the LEFT JOIN on the attachments: one row per attached identity, or one row with null. */
  attached_id: string | null;
}

const RESOURCE_COLUMNS = [
  'id_key',
  'name_key',
  'id',
  'subscription_id',
  'resource_group',
  'type',
  'name',
  'location',
  'tags',
  'body',
  'system_principal_id',
  'created_at',
  'updated_at',
];
const COLUMNS = RESOURCE_COLUMNS.join(', ');
const R_COLUMNS = RESOURCE_COLUMNS.map((c) => `r.${c}`).join(', ');

/** `source` yields resource rows as `r`; the result has one row per attachment, in position order. */
const withAttachments = (source: string, where: string, order: string): string =>
  `SELECT ${R_COLUMNS}, a.identity_id AS attached_id FROM ${source}
   LEFT JOIN resource_identity_attachments a ON a.resource_key = r.id_key
   ${where} ORDER BY ${order}, a.position`;

/** Folds the joined rows (consecutive per resource) into records, keeping the query's order. */
function group(rows: readonly ComputeResourceRow[]): { row: ComputeResourceRow; record: ComputeResourceRecord }[] {
  const out: { row: ComputeResourceRow; record: ComputeResourceRecord }[] = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last !== undefined && last.row.id_key === r.id_key) {
      if (r.attached_id !== null) last.record.userAssignedIdentityIds.push(r.attached_id);
      continue;
    }
    out.push({
      row: r,
      record: {
        id: r.id,
        subscriptionId: r.subscription_id,
        resourceGroup: r.resource_group,
        type: r.type,
        name: r.name,
        location: r.location,
        tags: fromJson<Record<string, string>>(r.tags, 'resource tags'),
        body: fromJson<Record<string, unknown>>(r.body, 'resource body'),
        systemPrincipalId: r.system_principal_id,
        userAssignedIdentityIds: r.attached_id === null ? [] : [r.attached_id],
        createdAt: r.created_at,
        updatedAt: r.updated_at,
      },
    });
  }
  return out;
}

const nullableKey = (s: string | null): string | null => (s === null ? null : lookupKey(s));

/**
 * Resources and their user-assigned attachments live in two tables, so create, update and
 * delete of one resource take several statements: call them inside `tx` for atomicity.
 * Reads are single statements (one snapshot on PostgreSQL).
 */
export class SqlComputeResourceRepo implements ComputeResourceRepo {
  constructor(private readonly db: Executor) {}

  async create(r: ComputeResourceRecord): Promise<void> {
    checkAttachments(r);
    await insertOrConflict(
      this.db,
      `INSERT INTO compute_resources (id_key, subscription_key, resource_group_key, type_key, name_key, system_principal_key,
         id, subscription_id, resource_group, type, name, location, tags, body, system_principal_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17) ON CONFLICT DO NOTHING`,
      [
        lookupKey(r.id),
        lookupKey(r.subscriptionId),
        lookupKey(r.resourceGroup),
        lookupKey(r.type),
        lookupKey(r.name),
        nullableKey(r.systemPrincipalId),
        r.id,
        r.subscriptionId,
        r.resourceGroup,
        r.type,
        r.name,
        r.location,
        toJson(r.tags),
        toJson(r.body),
        r.systemPrincipalId,
        r.createdAt,
        r.updatedAt,
      ],
      `Resource '${r.id}'`,
      r.id,
    );
    await this.attach(r);
  }

  async update(r: ComputeResourceRecord): Promise<boolean> {
    checkAttachments(r);
    const { changes } = await this.db.run(
      `UPDATE compute_resources SET tags = $2, body = $3, system_principal_key = $4, system_principal_id = $5, updated_at = $6
       WHERE id_key = $1`,
      [
        lookupKey(r.id),
        toJson(r.tags),
        toJson(r.body),
        nullableKey(r.systemPrincipalId),
        r.systemPrincipalId,
        r.updatedAt,
      ],
    );
    if (changes !== 1) return false;
    await this.db.run('DELETE FROM resource_identity_attachments WHERE resource_key = $1', [lookupKey(r.id)]);
    await this.attach(r);
    return true;
  }

  async get(id: string): Promise<ComputeResourceRecord | undefined> {
    const found = await this.query(withAttachments('compute_resources r', 'WHERE r.id_key = $1', 'r.id_key'), [
      lookupKey(id),
    ]);
    return found[0]?.record;
  }

  async getBySystemPrincipalId(principalId: string): Promise<ComputeResourceRecord | undefined> {
    const found = await this.query(
      withAttachments(
        'compute_resources r',
        'WHERE r.id_key = (SELECT id_key FROM compute_resources WHERE system_principal_key = $1 ORDER BY id_key LIMIT 1)',
        'r.id_key',
      ),
      [lookupKey(principalId)],
    );
    return found[0]?.record;
  }

  /** Keyset paging on (name_key, id_key); the page is cut before the join so attachments do not count. */
  async list(
    where: ResourceListing & { type?: string },
    limit: number,
    after?: string,
  ): Promise<Page<ComputeResourceRecord>> {
    checkLimit(limit);
    const p = new Params();
    const extra = where.type === undefined ? [] : [`type_key = ${p.add(lookupKey(where.type))}`];
    const cond = listingWhere(p, where, after, extra);
    const page = `(SELECT ${COLUMNS} FROM compute_resources WHERE ${cond} ORDER BY name_key, id_key LIMIT ${p.add(limit + 1)}) r`;
    const found = await this.query(withAttachments(page, '', 'r.name_key, r.id_key'), p.values);
    return toPage(
      found,
      limit,
      (f) => f.record,
      (f) => encodeCursor(f.row.name_key, f.row.id_key),
    );
  }

  async listByUserAssignedIdentity(identityId: string): Promise<ComputeResourceRecord[]> {
    const found = await this.query(
      withAttachments(
        'compute_resources r',
        'WHERE r.id_key IN (SELECT resource_key FROM resource_identity_attachments WHERE identity_key = $1)',
        'r.id_key',
      ),
      [lookupKey(identityId)],
    );
    return found.map((f) => f.record);
  }

  /** Its attachments go with it (ON DELETE CASCADE). */
  async delete(id: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM compute_resources WHERE id_key = $1', [lookupKey(id)]);
    return changes === 1;
  }

  private async query(sql: string, params: SqlParams) {
    return group(await this.db.all<ComputeResourceRow>(sql, params));
  }

  private async attach(r: ComputeResourceRecord): Promise<void> {
    const resourceKey = lookupKey(r.id);
    for (const [position, identityId] of r.userAssignedIdentityIds.entries()) {
      await this.db.run(
        'INSERT INTO resource_identity_attachments (resource_key, identity_key, identity_id, position) VALUES ($1, $2, $3, $4)',
        [resourceKey, lookupKey(identityId), identityId, position],
      );
    }
  }
}

/** Checked before any write, so a bad list cannot leave half a resource (or abort a PostgreSQL tx). */
function checkAttachments(r: ComputeResourceRecord): void {
  const seen = new Set<string>();
  for (const id of r.userAssignedIdentityIds) {
    const key = lookupKey(id);
    if (seen.has(key)) throw invalid(`User-assigned identity '${id}' is listed more than once`, { target: r.id });
    seen.add(key);
  }
}
