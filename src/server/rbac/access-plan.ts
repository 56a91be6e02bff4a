import type { Clock } from '../../kernel/clock.js';
import { conflict, invalid } from '../../kernel/errors.js';
import type { Random } from '../../kernel/ids.js';
import type { PermissionUsageRow } from '../../store/permission-usage-repo.js';
import type { RoleAssignmentRecord, RolePermission } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { AccessApplyPlan, AccessReview, SuggestedRole, WouldDeny } from '../../wire/access-review.js';
import { transitiveGroups } from '../identities/group-expansion.js';
import { accessReview, type ReviewSubject } from './access-review.js';
import { evaluate, type ResolvedAssignment } from './evaluate.js';
import { assignmentIdOf } from './role-assignments.js';
import { roleGuidOf, type RoleCatalog, type RoleDefinition } from './roles.js';
import { roleDefinitionIdAt } from './scopes.js';

export interface AccessPlanDeps {
  store: Store;
  catalog: RoleCatalog;
  clock: Clock;
  random: Random;
}

const NOT_STORED = { createdAt: 0, updatedAt: 0, createdBy: null, updatedBy: null };
const sorted = (xs: readonly string[]) => [...xs].map((x) => x.toLowerCase()).sort();
const samePermissions = (a: readonly RolePermission[], b: SuggestedRole['permissions']) =>
  a.length === 1 &&
  b.length === 1 &&
  (['actions', 'notActions', 'dataActions', 'notDataActions'] as const).every(
    (k) => JSON.stringify(sorted(a[0]![k])) === JSON.stringify(sorted(b[0]![k])),
  );

/**
 * The role to assign: a new custom role with a fresh GUID, or the existing one of that name when
 * it holds exactly these permissions (a second apply after the first); another role of that name
 * is a conflict, since role names are unique in the tenant.
 */
async function roleFor(d: AccessPlanDeps, s: SuggestedRole): Promise<AccessApplyPlan['role']> {
  const existing = await d.catalog.getByName(s.roleName);
  if (existing === undefined) return { ...s, id: d.random.uuid(), exists: false };
  if (existing.type === 'CustomRole' && samePermissions(existing.permissions, s.permissions))
    return { ...s, id: roleGuidOf(existing.id), exists: true };
  throw conflict(
    `A role named '${s.roleName}' already exists (${existing.id}) with other permissions. Rename or delete it, then apply again.`,
    { code: 'RoleDefinitionWithSameNameExists', target: 'roleName' },
  );
}

/** Every assignment the principal would hold afterwards: its kept own ones, the new one, its groups'. */
async function heldAfter(
  d: AccessPlanDeps,
  principalId: string,
  kept: readonly RoleAssignmentRecord[],
  added: { record: RoleAssignmentRecord; role: RoleDefinition },
): Promise<ResolvedAssignment[]> {
  const groups = [...(await transitiveGroups((id) => d.store.groups.listMemberships(id), principalId)).keys()];
  const viaGroups = (await Promise.all(groups.map((g) => d.store.roleAssignments.listForPrincipal(g)))).flat();
  const resolve = async (a: RoleAssignmentRecord) => ({ assignment: a, role: await d.catalog.get(a.roleDefinitionId) });
  return [...(await Promise.all([...kept, ...viaGroups].map(resolve))), { assignment: added.record, role: added.role }];
}

/** Every distinct observed (kind, operation, scope), re-decided against `held`: the ones it would deny. */
function wouldDeny(rows: readonly PermissionUsageRow[], held: readonly ResolvedAssignment[]) {
  const seen = new Map<string, PermissionUsageRow>();
  for (const r of rows) seen.set(`${r.kind}\n${r.action}\n${r.scope}`.toLowerCase(), r);
  const denied: WouldDeny[] = [];
  for (const r of seen.values()) {
    const e = evaluate({ action: r.action, scope: r.scope, kind: r.kind }, held);
    if (!e.allowed) denied.push({ kind: r.kind, operation: r.action, scope: r.scope, reason: e.reason });
  }
  return { checked: seen.size, denied };
}

const planned = (a: RoleAssignmentRecord, roleName: string | null) => ({
  id: a.id,
  scope: a.scope,
  roleDefinitionId: a.roleDefinitionId,
  roleName,
});

/**
 * What applying the review would do (docs/audit.md, applying a review): assign the suggested role
 * at its scope and remove every assignment made to the identity itself (group assignments are the
 * group's to review), then re-decide every call observed in the window with the evaluator the
 * server authorizes with. Nothing is written.
 */
export async function planAccessApply(
  d: AccessPlanDeps,
  subject: ReviewSubject,
  days: number,
): Promise<AccessApplyPlan> {
  const review = await accessReview(d.store, d.catalog, d.clock, subject, days);
  const s = review.suggestedRole;
  if (s === null)
    throw invalid(
      `${subject.id} used none of its permissions in the last ${days} day(s): there is no evidence to build a role from. Let the workload run, or review a longer window (--days).`,
      { code: 'AccessReviewNoEvidence', target: 'days' },
    );
  const role = await roleFor(d, s);
  const scope = s.assignableScopes[0]!;
  const own = await d.store.roleAssignments.listForPrincipal(subject.principalId);
  const roleDefinitionId = roleDefinitionIdAt(scope, role.id);
  const same = (a: RoleAssignmentRecord) =>
    roleGuidOf(a.roleDefinitionId) === role.id && a.scope.toLowerCase() === scope.toLowerCase();
  const record = own.find(same) ?? newAssignment(d, subject.principalId, scope, roleDefinitionId);
  const roleDef: RoleDefinition = { id: roleDefinitionId, type: 'CustomRole', ...s, ...NOT_STORED };
  const removed = own.filter((a) => !same(a));
  const kept = own.filter(same);
  const held = await heldAfter(d, subject.principalId, kept, { record, role: roleDef });
  const check = wouldDeny(await usageRows(d, review), held);
  return {
    identityId: subject.id,
    principalId: subject.principalId,
    days,
    role,
    assignment: planned(record, s.roleName),
    removes: removed.map((a) => planned(a, roleNameIn(review, a.id))),
    checked: check.checked,
    wouldDeny: check.denied,
    applied: false,
  };
}

const roleNameIn = (r: AccessReview, id: string) =>
  r.assignments.find((a) => a.id.toLowerCase() === id.toLowerCase())?.roleName ?? null;

/** The same rows the review read: its window starts at a UTC midnight. */
const usageRows = (d: AccessPlanDeps, r: AccessReview): Promise<PermissionUsageRow[]> =>
  d.store.permissionUsage.list([r.principalId], Date.parse(r.from));

function newAssignment(d: AccessPlanDeps, principalId: string, scope: string, roleDefinitionId: string) {
  const name = d.random.uuid();
  const now = d.clock.now();
  return {
    id: assignmentIdOf(scope, name),
    name,
    scope,
    roleDefinitionId,
    principalId,
    principalType: 'ServicePrincipal',
    description: 'Least privilege from observed use (openmi identity access-review --apply).',
    condition: null,
    conditionVersion: null,
    createdBy: null,
    updatedBy: null,
    createdAt: now,
    updatedAt: now,
  } satisfies RoleAssignmentRecord;
}
