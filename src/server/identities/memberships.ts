import type { ChangeBatch } from '../audit/changes-batch.js';
import type { GroupMemberRecord } from '../../store/group-repo.js';
import type { StoreRepos } from '../../store/store.js';

/**
 * Group memberships as the activity log records them (docs/groups.md). Here, below both the
 * directory (which changes memberships) and the identities (whose deletion removes them).
 */
export const GROUPS_OP = 'Microsoft.Directory/groups';
export const groupResourceId = (id: string): string => `/providers/${GROUPS_OP}/${id}`;

export function logMembership(batch: ChangeBatch, op: 'write' | 'delete', m: GroupMemberRecord, reason?: string): void {
  batch.add(`${GROUPS_OP}/members/${op}`, `${groupResourceId(m.groupId)}/members/${m.memberId}`, {
    groupId: m.groupId,
    memberId: m.memberId,
    memberType: m.memberType,
    ...(reason ? { reason } : {}),
  });
}

/** An identity's principal is going away: its memberships go with it, each logged (principals.ts). */
export async function removeMemberships(tx: StoreRepos, batch: ChangeBatch, memberId: string): Promise<void> {
  for (const m of await tx.groups.listMemberships(memberId)) {
    await tx.groups.removeMember(m.groupId, memberId);
    logMembership(batch, 'delete', m, 'identity deleted');
  }
}
