import type { GroupMemberRecord, GroupMemberType, GroupRecord } from '../group-repo.js';
import type { GroupFilter, GroupRepo, Page } from '../store.js';
import { lookupKey } from './columns.js';
import { insertOrConflict } from './conflict.js';
import type { Executor } from './executor.js';
import { checkLimit, decodeCursor, encodeCursor, Params, toPage } from './paging.js';

interface GroupRow {
  id_key: string;
  name_key: string;
  id: string;
  tenant_id: string;
  display_name: string;
  mail_nickname: string;
  description: string | null;
  security_enabled: number | string;
  created_by: string | null;
  created_at: number | string;
  updated_at: number | string;
}

interface MemberRow {
  group_id: string;
  member_id: string;
  member_type: GroupMemberType;
  created_by: string | null;
  created_at: number | string;
}

const COLUMNS =
  'id_key, name_key, id, tenant_id, display_name, mail_nickname, description, security_enabled, created_by, created_at, updated_at';

const toRecord = (r: GroupRow): GroupRecord => ({
  id: r.id,
  tenantId: r.tenant_id,
  displayName: r.display_name,
  mailNickname: r.mail_nickname,
  description: r.description,
  securityEnabled: Number(r.security_enabled) === 1,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
  updatedAt: Number(r.updated_at),
});

const MEMBER_SELECT = `SELECT g.id AS group_id, m.member_id, m.member_type, m.created_by, m.created_at
  FROM group_members m JOIN directory_groups g ON g.id_key = m.group_key`;

const toMember = (r: MemberRow): GroupMemberRecord => ({
  groupId: r.group_id,
  memberId: r.member_id,
  memberType: r.member_type,
  createdBy: r.created_by,
  createdAt: Number(r.created_at),
});

/**
 * `startswith` as a key range rather than LIKE: no escaping of `%` and `_`, and both engines
 * compare the keys bytewise (COLLATE "C" on PostgreSQL), so the range means the same on each.
 */
function filterConds(p: Params, f: GroupFilter): string[] {
  if (f.displayNameEq !== undefined) return [`name_key = ${p.add(lookupKey(f.displayNameEq))}`];
  if (f.displayNameStartsWith !== undefined) {
    const prefix = lookupKey(f.displayNameStartsWith);
    return [`name_key >= ${p.add(prefix)}`, `name_key < ${p.add(`${prefix}\u{10ffff}`)}`];
  }
  return [];
}

export class SqlGroupRepo implements GroupRepo {
  constructor(private readonly db: Executor) {}

  async create(g: GroupRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO directory_groups (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING`,
      [
        lookupKey(g.id),
        lookupKey(g.displayName),
        g.id,
        g.tenantId,
        g.displayName,
        g.mailNickname,
        g.description,
        g.securityEnabled ? 1 : 0,
        g.createdBy,
        g.createdAt,
        g.updatedAt,
      ],
      `Group '${g.id}'`,
      g.id,
    );
  }

  async update(g: GroupRecord): Promise<boolean> {
    const { changes } = await this.db.run(
      `UPDATE directory_groups SET display_name = $1, name_key = $2, mail_nickname = $3, description = $4,
       security_enabled = $5, updated_at = $6 WHERE id_key = $7`,
      [
        g.displayName,
        lookupKey(g.displayName),
        g.mailNickname,
        g.description,
        g.securityEnabled ? 1 : 0,
        g.updatedAt,
        lookupKey(g.id),
      ],
    );
    return changes === 1;
  }

  async get(id: string): Promise<GroupRecord | undefined> {
    const row = await this.db.get<GroupRow>(`SELECT ${COLUMNS} FROM directory_groups WHERE id_key = $1`, [
      lookupKey(id),
    ]);
    return row && toRecord(row);
  }

  async list(filter: GroupFilter, limit: number, after?: string): Promise<Page<GroupRecord>> {
    checkLimit(limit);
    const p = new Params();
    const conds = filterConds(p, filter);
    if (after !== undefined) {
      const [nameKey, idKey] = decodeCursor(after);
      conds.push(`(name_key, id_key) > (${p.add(nameKey)}, ${p.add(idKey)})`);
    }
    const where = conds.length > 0 ? `WHERE ${conds.join(' AND ')}` : '';
    const rows = await this.db.all<GroupRow>(
      `SELECT ${COLUMNS} FROM directory_groups ${where} ORDER BY name_key, id_key LIMIT ${p.add(limit + 1)}`,
      p.values,
    );
    return toPage(rows, limit, toRecord, (r) => encodeCursor(r.name_key, r.id_key));
  }

  async delete(id: string): Promise<boolean> {
    await this.db.run('DELETE FROM group_members WHERE member_key = $1', [lookupKey(id)]);
    // Its own members go by ON DELETE CASCADE.
    const { changes } = await this.db.run('DELETE FROM directory_groups WHERE id_key = $1', [lookupKey(id)]);
    return changes === 1;
  }

  async addMember(m: GroupMemberRecord): Promise<void> {
    await insertOrConflict(
      this.db,
      `INSERT INTO group_members (group_key, member_key, member_id, member_type, created_by, created_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [lookupKey(m.groupId), lookupKey(m.memberId), m.memberId, m.memberType, m.createdBy, m.createdAt],
      `Member '${m.memberId}' of group '${m.groupId}'`,
      m.memberId,
    );
  }

  async removeMember(groupId: string, memberId: string): Promise<boolean> {
    const { changes } = await this.db.run('DELETE FROM group_members WHERE group_key = $1 AND member_key = $2', [
      lookupKey(groupId),
      lookupKey(memberId),
    ]);
    return changes === 1;
  }

  async listMembers(groupId: string): Promise<GroupMemberRecord[]> {
    const rows = await this.db.all<MemberRow>(
      `${MEMBER_SELECT} WHERE m.group_key = $1 ORDER BY m.created_at, m.member_key`,
      [lookupKey(groupId)],
    );
    return rows.map(toMember);
  }

  async listMemberships(memberId: string): Promise<GroupMemberRecord[]> {
    const rows = await this.db.all<MemberRow>(
      `${MEMBER_SELECT} WHERE m.member_key = $1 ORDER BY m.created_at, m.group_key`,
      [lookupKey(memberId)],
    );
    return rows.map(toMember);
  }
}
