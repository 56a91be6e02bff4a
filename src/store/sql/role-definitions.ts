import { conflict } from '../../kernel/errors.js';
import type { RoleDefinitionRecord, RolePermission } from '../records.js';
import type { RoleDefinitionRepo } from '../store.js';
import { fromJson, lookupKey, toJson } from './columns.js';
import { isUniqueViolation } from './conflict.js';
import type { Executor, SqlParams } from './executor.js';

interface RoleDefinitionRow {
  id: string;
  role_name: string;
  description: string;
  assignable_scopes: string;
  permissions: string;
  scope: string;
  created_by: string | null;
  updated_by: string | null;
  created_at: number;
  updated_at: number;
}

const COLUMNS =
  'id, role_name, description, assignable_scopes, permissions, scope, created_by, updated_by, created_at, updated_at';

const toRecord = (r: RoleDefinitionRow): RoleDefinitionRecord => ({
  id: r.id,
  roleName: r.role_name,
  description: r.description,
  assignableScopes: fromJson<string[]>(r.assignable_scopes, 'role definition assignable scopes'),
  permissions: fromJson<RolePermission[]>(r.permissions, 'role definition permissions'),
  scope: r.scope,
  createdBy: r.created_by,
  updatedBy: r.updated_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const sameName = (r: RoleDefinitionRecord) =>
  conflict(
    `A custom role named '${r.roleName}' already exists. Role names are unique in the tenant; choose another name.`,
    {
      code: 'RoleDefinitionWithSameNameExists',
      target: 'properties.roleName',
    },
  );

/**
 * Custom roles. Ids (GUIDs) and role names are unique case-insensitively. The SELECT on the name
 * before writing finds a clash without a failing statement (which would abort a PostgreSQL tx);
 * the unique index still decides a race, and its error becomes the same conflict.
 */
export class SqlRoleDefinitionRepo implements RoleDefinitionRepo {
  constructor(private readonly db: Executor) {}

  async create(r: RoleDefinitionRecord): Promise<void> {
    if (await this.nameHeldByOther(r)) throw sameName(r);
    // DO NOTHING absorbs a duplicate id (reported below); only a name race can still raise.
    const { changes } = await this.write(
      `INSERT INTO role_definitions (id_key, name_key, id, role_name, description, assignable_scopes, permissions, scope,
         created_by, updated_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id_key) DO NOTHING`,
      [
        lookupKey(r.id),
        lookupKey(r.roleName),
        r.id,
        r.roleName,
        r.description,
        toJson(r.assignableScopes),
        toJson(r.permissions),
        r.scope,
        r.createdBy,
        r.updatedBy,
        r.createdAt,
        r.updatedAt,
      ],
      r,
    );
    if (changes === 0) throw conflict(`Role definition '${r.id}' already exists`, { target: r.id });
  }

  async update(r: RoleDefinitionRecord): Promise<boolean> {
    if (await this.nameHeldByOther(r)) throw sameName(r);
    const { changes } = await this.write(
      `UPDATE role_definitions SET name_key = $2, role_name = $3, description = $4, assignable_scopes = $5, permissions = $6,
         updated_by = $7, updated_at = $8 WHERE id_key = $1`,
      [
        lookupKey(r.id),
        lookupKey(r.roleName),
        r.roleName,
        r.description,
        toJson(r.assignableScopes),
        toJson(r.permissions),
        r.updatedBy,
        r.updatedAt,
      ],
      r,
    );
    return changes === 1;
  }

  async get(id: string): Promise<RoleDefinitionRecord | undefined> {
    const row = await this.db.get<RoleDefinitionRow>(`SELECT ${COLUMNS} FROM role_definitions WHERE id_key = $1`, [
      lookupKey(id),
    ]);
    return row && toRecord(row);
  }

  async getByName(roleName: string): Promise<RoleDefinitionRecord | undefined> {
    const row = await this.db.get<RoleDefinitionRow>(`SELECT ${COLUMNS} FROM role_definitions WHERE name_key = $1`, [
      lookupKey(roleName),
    ]);
    return row && toRecord(row);
  }

  async list(): Promise<RoleDefinitionRecord[]> {
    const rows = await this.db.all<RoleDefinitionRow>(
      `SELECT ${COLUMNS} FROM role_definitions ORDER BY name_key, id_key`,
    );
    return rows.map(toRecord);
  }

  async delete(id: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM role_definitions WHERE id_key = $1', [lookupKey(id)]);
    return changes === 1;
  }

  /** Runs a write whose only possible unique violation is the role name. */
  private async write(sql: string, params: SqlParams, r: RoleDefinitionRecord): Promise<{ changes: number }> {
    try {
      return await this.db.run(sql, params);
    } catch (e) {
      if (isUniqueViolation(e)) throw sameName(r);
      throw e;
    }
  }

  private async nameHeldByOther(r: RoleDefinitionRecord): Promise<boolean> {
    const holder = await this.db.get<{ id: string }>(
      'SELECT id FROM role_definitions WHERE name_key = $1 AND id_key <> $2 LIMIT 1',
      [lookupKey(r.roleName), lookupKey(r.id)],
    );
    return holder !== undefined;
  }
}
