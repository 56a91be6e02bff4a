import type { Clock } from '../../kernel/clock.js';
import { notFound } from '../../kernel/errors.js';
import type { PermissionUsageRow } from '../../store/permission-usage-repo.js';
import type { Store } from '../../store/store.js';
import type { GroupAccessReview, GroupMemberUse } from '../../wire/access-review.js';
import { transitiveMembers } from '../identities/group-expansion.js';
import { reviewAssignment, reviewWindowStart, usedOperations } from './access-review.js';
import { roleGuidOf, type RoleCatalog } from './roles.js';

const lower = (s: string): string => s.toLowerCase();

/** Who a member is, as the review shows it. */
async function memberOf(store: Store, principalId: string): Promise<Omit<GroupMemberUse, 'used'>> {
  const p = await store.principals.getByObjectId(principalId);
  return { principalId, displayName: p?.displayName ?? null, identityResourceId: p?.resourceId ?? null };
}

/** Per member (in the order first seen), the operations the rows record. */
async function usesByMember(store: Store, rows: readonly PermissionUsageRow[]): Promise<GroupMemberUse[]> {
  const byMember = new Map<string, PermissionUsageRow[]>();
  for (const r of rows) byMember.set(lower(r.principalId), [...(byMember.get(lower(r.principalId)) ?? []), r]);
  return Promise.all(
    [...byMember.values()].map(async (mine) => ({
      ...(await memberOf(store, mine[0]!.principalId)),
      used: usedOperations(mine),
    })),
  );
}

/**
 * A group's access review (docs/audit.md): for each of the group's role assignments, which of its
 * transitive members used it and for what (a usage row names the assignment that allowed the
 * call), the role's patterns nobody used, the assignments nobody used, and the members that used
 * none of them. Members' use through their own assignments is theirs, not the group's.
 */
export async function groupAccessReview(
  store: Store,
  catalog: RoleCatalog,
  clock: Clock,
  groupId: string,
  days: number,
): Promise<GroupAccessReview> {
  const from = reviewWindowStart(clock, days);
  const group = await store.groups.get(groupId);
  if (!group) throw notFound(`The group '${groupId}' was not found.`, { target: 'groupId' });
  const held = await store.roleAssignments.listForPrincipal(group.id);
  const members = (await transitiveMembers((id) => store.groups.listMembers(id), group.id))
    .filter((m) => m.memberType === 'servicePrincipal')
    .map((m) => m.memberId);
  const ids = new Set(held.map((a) => lower(a.id)));
  const rows = members.length === 0 ? [] : await store.permissionUsage.list(members, from);
  const groupRows = rows.filter((r) => ids.has(lower(r.assignmentId)));
  const assignments = await Promise.all(
    held.map(async (a) => {
      const mine = groupRows.filter((r) => lower(r.assignmentId) === lower(a.id));
      const review = reviewAssignment(a, await catalog.get(roleGuidOf(a.roleDefinitionId)), mine, true);
      return { ...review, members: await usesByMember(store, mine) };
    }),
  );
  const users = new Set(groupRows.map((r) => lower(r.principalId)));
  return {
    groupId: group.id,
    displayName: group.displayName,
    days,
    from: new Date(from).toISOString(),
    assignments,
    unusedAssignments: assignments.filter((a) => a.used.length === 0).map((a) => a.id),
    membersWithoutUse: await Promise.all(members.filter((m) => !users.has(lower(m))).map((m) => memberOf(store, m))),
  };
}
