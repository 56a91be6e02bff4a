import type { Page } from './store.js';

/**
 * A security group of the directory (Microsoft Graph `group`, docs/groups.md). Members are service
 * principals or other groups; role assignments naming the group apply to every transitive member.
 */
export interface GroupRecord {
  /** Object id, a GUID. */
  id: string;
  tenantId: string;
  displayName: string;
  mailNickname: string;
  description: string | null;
  securityEnabled: boolean;
  createdBy: string | null;
  createdAt: number;
  updatedAt: number;
}

export type GroupMemberType = 'servicePrincipal' | 'group';

/** One direct membership: `memberId` (a principal's object id or a group id) is in `groupId`. */
export interface GroupMemberRecord {
  groupId: string;
  memberId: string;
  memberType: GroupMemberType;
  createdBy: string | null;
  createdAt: number;
}

/** What `GroupRepo.list` selects by display name (case-insensitive); at most one of the two. */
export interface GroupFilter {
  displayNameEq?: string;
  displayNameStartsWith?: string;
}

/**
 * Directory groups and their direct memberships. Ids compare case-insensitively (GUIDs). The
 * repository keeps no rule: cycles, member existence and logging are the service's.
 */
export interface GroupRepo {
  /** Throws conflict when the id exists. */
  create(g: GroupRecord): Promise<void>;
  /** Replaces displayName, mailNickname, description, securityEnabled, updatedAt. Returns false when absent. */
  update(g: GroupRecord): Promise<boolean>;
  get(id: string): Promise<GroupRecord | undefined>;
  /** Ordered by lower-cased displayName then id; `after` is the previous page's `next`. */
  list(filter: GroupFilter, limit: number, after?: string): Promise<Page<GroupRecord>>;
  /** Deletes the group and every membership it holds as container or as member. Returns false when absent. */
  delete(id: string): Promise<boolean>;
  /** Throws conflict when `memberId` is already a direct member of `groupId`. */
  addMember(m: GroupMemberRecord): Promise<void>;
  /** Returns false when it was not a direct member. */
  removeMember(groupId: string, memberId: string): Promise<boolean>;
  /** Direct members of a group, oldest first. */
  listMembers(groupId: string): Promise<GroupMemberRecord[]>;
  /** Direct memberships of a principal or group (the groups it is in), oldest first. */
  listMemberships(memberId: string): Promise<GroupMemberRecord[]>;
}
