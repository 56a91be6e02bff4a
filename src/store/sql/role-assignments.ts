import type { RoleAssignmentRecord } from '../records.js';
import type { RoleAssignmentRepo } from '../store.js';
import { lookupKey } from './columns.js';
import { insertOrConflict } from './conflict.js';
import type { Executor } from './executor.js';

interface RoleAssignmentRow {
  id: string;
  name: string;
  scope: string;
  role_definition_id: string;
  principal_id: string;
  principal_type: string;
  description: string | null;
  created_by: string | null;
  updated_by: string | null;
  abac_condition: string | null;
  abac_condition_version: string | null;
  created_at: number;
  updated_at: number;
}

const COLUMNS =
  'id, name, scope, role_definition_id, principal_id, principal_type, description, created_by, updated_by, abac_condition, abac_condition_version, created_at, updated_at';

const toRecord = (r: RoleAssignmentRow): RoleAssignmentRecord => ({
  id: r.id,
  name: r.name,
  scope: r.scope,
  roleDefinitionId: r.role_definition_id,
  principalId: r.principal_id,
  principalType: r.principal_type,
  description: r.description,
  createdBy: r.created_by,
  updatedBy: r.updated_by,
  condition: r.abac_condition,
  conditionVersion: r.abac_condition_version,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The role GUID of a role definition id (or of a bare GUID): its last path segment, lower-cased. */
const roleKey = (roleDefinitionId: string): string =>
  lookupKey(roleDefinitionId.slice(roleDefinitionId.lastIndexOf('/') + 1));

export class SqlRoleAssignmentRepo implements RoleAssignmentRepo {
  constructor(private readonly db: Executor) {}

  async create(ra: RoleAssignmentRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO role_assignments (id_key, scope_key, principal_key, role_key, name_key, id, name, scope, role_definition_id,
         principal_id, principal_type, description, created_by, updated_by, abac_condition, abac_condition_version, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18) ON CONFLICT DO NOTHING`,
      [
        lookupKey(ra.id),
        lookupKey(ra.scope),
        lookupKey(ra.principalId),
        roleKey(ra.roleDefinitionId),
        lookupKey(ra.name),
        ra.id,
        ra.name,
        ra.scope,
        ra.roleDefinitionId,
        ra.principalId,
        ra.principalType,
        ra.description,
        ra.createdBy,
        ra.updatedBy ?? null,
        ra.condition ?? null,
        ra.conditionVersion ?? null,
        ra.createdAt,
        ra.updatedAt,
      ],
      `Role assignment '${ra.id}'`,
      ra.id,
    );
  }

  async update(ra: RoleAssignmentRecord): Promise<boolean> {
    const { changes } = await this.db.run(
      `UPDATE role_assignments SET description = $2, updated_by = $3, abac_condition = $4, abac_condition_version = $5, updated_at = $6
       WHERE id_key = $1`,
      [
        lookupKey(ra.id),
        ra.description,
        ra.updatedBy ?? null,
        ra.condition ?? null,
        ra.conditionVersion ?? null,
        ra.updatedAt,
      ],
    );
    return changes === 1;
  }

  async get(id: string): Promise<RoleAssignmentRecord | undefined> {
    const row = await this.db.get<RoleAssignmentRow>(`SELECT ${COLUMNS} FROM role_assignments WHERE id_key = $1`, [
      lookupKey(id),
    ]);
    return row && toRecord(row);
  }

  async getByName(name: string): Promise<RoleAssignmentRecord | undefined> {
    const row = await this.db.get<RoleAssignmentRow>(`SELECT ${COLUMNS} FROM role_assignments WHERE name_key = $1`, [
      lookupKey(name),
    ]);
    return row && toRecord(row);
  }

  /** Oldest first. */
  async listForRoleDefinition(roleDefinitionId: string): Promise<RoleAssignmentRecord[]> {
    const rows = await this.db.all<RoleAssignmentRow>(
      `SELECT ${COLUMNS} FROM role_assignments WHERE role_key = $1 ORDER BY created_at, id_key`,
      [roleKey(roleDefinitionId)],
    );
    return rows.map(toRecord);
  }

  async delete(id: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM role_assignments WHERE id_key = $1', [lookupKey(id)]);
    return changes === 1;
  }

  /** Oldest first. */
  async listForPrincipal(principalId: string): Promise<RoleAssignmentRecord[]> {
    const rows = await this.db.all<RoleAssignmentRow>(
      `SELECT ${COLUMNS} FROM role_assignments WHERE principal_key = $1 ORDER BY created_at, id_key`,
      [lookupKey(principalId)],
    );
    return rows.map(toRecord);
  }

  /** Oldest first. */
  async listAtScope(scope: string): Promise<RoleAssignmentRecord[]> {
    const rows = await this.db.all<RoleAssignmentRow>(
      `SELECT ${COLUMNS} FROM role_assignments WHERE scope_key = $1 ORDER BY created_at, id_key`,
      [lookupKey(scope)],
    );
    return rows.map(toRecord);
  }

  /** Oldest first. The root scope ('/') lists every assignment. */
  async listAtOrBelow(scope: string): Promise<RoleAssignmentRecord[]> {
    const key = lookupKey(scope).replace(/\/+$/, '');
    if (key === '') {
      const all = await this.db.all<RoleAssignmentRow>(
        `SELECT ${COLUMNS} FROM role_assignments ORDER BY created_at, id_key`,
      );
      return all.map(toRecord);
    }
    const rows = await this.db.all<RoleAssignmentRow>(
      // Descendants sort between `key/` and `key0` ('0' follows '/' in byte order, and key columns
      // compare bytewise on both engines), so a range uses the scope index where LIKE would not.
      `SELECT ${COLUMNS} FROM role_assignments WHERE scope_key = $1 OR (scope_key >= $2 AND scope_key < $3) ORDER BY created_at, id_key`,
      [key, `${key}/`, `${key}0`],
    );
    return rows.map(toRecord);
  }

  async deleteForPrincipal(principalId: string): Promise<number> {
    const { changes } = await this.db.run('DELETE FROM role_assignments WHERE principal_key = $1', [
      lookupKey(principalId),
    ]);
    return changes;
  }
}
