import type { GroupMemberRecord } from '../../store/group-repo.js';

/**
 * The most groups one principal's expansion visits. Entra evaluates Azure RBAC over transitive
 * membership without a documented cap; openmi bounds the walk so a pathological directory costs a
 * bounded number of queries per authorization. Stopping early can only leave grants out (openmi has
 * no deny assignments), so an over-large expansion fails closed; docs/groups.md says so.
 */
export const MAX_TRANSITIVE_GROUPS = 1000;

/** The direct memberships of a principal or group (GroupRepo.listMemberships). */
export type MembershipLookup = (memberId: string) => Promise<readonly Pick<GroupMemberRecord, 'groupId'>[]>;

/**
 * Every group `principalId` is in, directly or through other groups, each with the shortest path
 * that makes it a member: `[direct group, …, the group itself]` (ids as stored). Breadth first,
 * with a visited set: cycles are refused at write time (directory/groups.ts), but two writers
 * racing on PostgreSQL could still close one, and the walk must end regardless.
 */
export async function transitiveGroups(
  lookup: MembershipLookup,
  principalId: string,
  max = MAX_TRANSITIVE_GROUPS,
): Promise<Map<string, string[]>> {
  const paths = new Map<string, string[]>();
  let frontier: { id: string; path: string[] }[] = [{ id: principalId, path: [] }];
  const seen = new Set([principalId.toLowerCase()]);
  while (frontier.length > 0 && paths.size < max) {
    const next: { id: string; path: string[] }[] = [];
    const found = await Promise.all(frontier.map((f) => lookup(f.id)));
    frontier.forEach((f, i) => {
      for (const m of found[i] ?? []) {
        const key = m.groupId.toLowerCase();
        if (seen.has(key) || paths.size >= max) continue;
        seen.add(key);
        const path = [...f.path, m.groupId];
        paths.set(m.groupId, path);
        next.push({ id: m.groupId, path });
      }
    });
    frontier = next;
  }
  return paths;
}

/**
 * The direct members of a group and of its nested groups (`GET /groups/{id}/transitiveMembers`),
 * each once, bounded like the expansion above.
 */
export async function transitiveMembers(
  listMembers: (groupId: string) => Promise<GroupMemberRecord[]>,
  groupId: string,
  max = MAX_TRANSITIVE_GROUPS,
): Promise<GroupMemberRecord[]> {
  const out: GroupMemberRecord[] = [];
  const seen = new Set([groupId.toLowerCase()]);
  let frontier = [groupId];
  while (frontier.length > 0 && out.length < max) {
    const rows = (await Promise.all(frontier.map(listMembers))).flat();
    frontier = [];
    for (const m of rows) {
      const key = m.memberId.toLowerCase();
      if (seen.has(key) || out.length >= max) continue;
      seen.add(key);
      out.push(m);
      if (m.memberType === 'group') frontier.push(m.memberId);
    }
  }
  return out;
}
