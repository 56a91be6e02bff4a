import { notFound } from '../../kernel/errors.js';
import type { RoleAssignmentRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { AssignmentImpact, MemberAssignmentImpact } from '../../wire/usage.js';
import { transitiveGroups, transitiveMembers } from '../identities/group-expansion.js';
import type { OperationKind } from '../rbac/evaluate.js';
import { roleAllows } from '../rbac/evaluate.js';
import { roleGuidOf, type RoleCatalog, type RoleDefinition } from '../rbac/roles.js';
import { scopeCovers, scopeSegments } from '../rbac/scope.js';
import { successfulSignIns, usedThrough } from './sign-in-use.js';

type Held = { assignment: RoleAssignmentRecord; role: RoleDefinition | undefined };

const sameScope = (a: string, b: string) => scopeSegments(a).join('/') === scopeSegments(b).join('/');
const unique = (xs: readonly string[]) => [...new Map(xs.map((x) => [x.toLowerCase(), x])).values()];

/** The role assignment `name` at exactly `scope`, or RoleAssignmentNotFound. */
async function assignmentAt(store: Store, scope: string, name: string): Promise<RoleAssignmentRecord> {
  const ra = await store.roleAssignments.getByName(name);
  if (ra && sameScope(ra.scope, scope)) return ra;
  throw notFound(`The role assignment '${name}' was not found at scope '${scope}'.`, {
    code: 'RoleAssignmentNotFound',
    target: 'roleAssignmentName',
  });
}

/**
 * What removing role assignment `name` at `scope` would take from every principal it reaches: for an
 * assignment to a group, each transitive member that is a service principal; otherwise the one
 * principal it names. A principal loses the role's permission patterns that none of its other
 * assignments (its own or its groups', at the scope or above) still grants — a member that also
 * holds the role directly loses nothing. Removing an assignment never grants anything: openmi has
 * no deny assignments (docs/groups.md).
 */
export async function assignmentImpact(
  store: Store,
  catalog: RoleCatalog,
  scope: string,
  name: string,
): Promise<AssignmentImpact> {
  const ra = await assignmentAt(store, scope, name);
  const roles = new Map<string, Promise<RoleDefinition | undefined>>();
  const roleOf = (id: string) => {
    const guid = roleGuidOf(id);
    if (!roles.has(guid)) roles.set(guid, catalog.get(guid));
    return roles.get(guid)!;
  };
  const role = await roleOf(ra.roleDefinitionId);
  const isGroup = ra.principalType.toLowerCase() === 'group';
  const principals = isGroup
    ? (await transitiveMembers((id) => store.groups.listMembers(id), ra.principalId))
        .filter((m) => m.memberType === 'servicePrincipal')
        .map((m) => m.memberId)
    : [ra.principalId];
  const members: MemberAssignmentImpact[] = [];
  for (const p of principals) members.push(await memberImpact(store, roleOf, ra, role, p));
  return {
    roleAssignment: {
      id: ra.id,
      roleDefinitionId: ra.roleDefinitionId,
      roleName: role?.roleName ?? null,
      scope: ra.scope,
      principalId: ra.principalId,
      principalType: ra.principalType,
    },
    members,
  };
}

async function memberImpact(
  store: Store,
  roleOf: (id: string) => Promise<RoleDefinition | undefined>,
  ra: RoleAssignmentRecord,
  role: RoleDefinition | undefined,
  principalId: string,
): Promise<MemberAssignmentImpact> {
  const paths = await transitiveGroups((id) => store.groups.listMemberships(id), principalId);
  const rows = await Promise.all(
    [principalId, ...paths.keys()].map((id) => store.roleAssignments.listForPrincipal(id)),
  );
  const others = rows.flat().filter((a) => a.id.toLowerCase() !== ra.id.toLowerCase());
  const held = await Promise.all(others.map(async (a) => ({ assignment: a, role: await roleOf(a.roleDefinitionId) })));
  const covering = held.filter((h) => h.role && !h.assignment.condition && scopeCovers(h.assignment.scope, ra.scope));
  const actions = lostAndKept(role, covering, 'action');
  const dataActions = lostAndKept(role, covering, 'dataAction');
  const kept = new Set([...actions.kept, ...dataActions.kept]);
  const loses = actions.lost.length + dataActions.lost.length > 0;
  const signIns = loses ? await successfulSignIns(store, { column: 'principal_key', value: principalId }) : [];
  const principal = await store.principals.getByObjectId(principalId);
  const via = [...paths].find(([g]) => g.toLowerCase() === ra.principalId.toLowerCase())?.[1] ?? [];
  return {
    principalId,
    displayName: principal?.displayName ?? null,
    identityResourceId: principal?.resourceId ?? null,
    via,
    lostActions: actions.lost,
    lostDataActions: dataActions.lost,
    keptBy: covering
      .filter((h) => kept.has(h))
      .map(({ assignment: a }) => ({
        id: a.id,
        roleDefinitionId: a.roleDefinitionId,
        scope: a.scope,
        principalId: a.principalId,
      })),
    ...usedThrough(signIns, [ra.scope]),
  };
}

/**
 * The role's patterns of one kind that no covering assignment grants, and the assignments that grant
 * some. A pattern is matched as an operation string, so `Microsoft.KeyVault/*` keeps
 * `Microsoft.KeyVault/vaults/secrets/getSecret/action` and a wildcard pattern is kept only by a
 * pattern at least as wide.
 */
function lostAndKept(role: RoleDefinition | undefined, covering: readonly Held[], kind: OperationKind) {
  const patterns = unique(
    (role?.permissions ?? [])
      .filter((b) => !(b as { condition?: unknown }).condition)
      .flatMap((b) => (kind === 'action' ? b.actions : b.dataActions)),
  );
  const kept = new Set<Held>();
  const lost = patterns.filter((p) => {
    const keepers = covering.filter((h) => roleAllows(h.role!, p, kind));
    for (const h of keepers) kept.add(h);
    return keepers.length === 0;
  });
  return { lost, kept };
}
