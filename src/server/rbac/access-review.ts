import type { Clock } from '../../kernel/clock.js';
import { invalid } from '../../kernel/errors.js';
import type { PermissionUsageRow } from '../../store/permission-usage-repo.js';
import type { RoleAssignmentRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { AccessReview, AssignmentReview, SuggestedRole, UsedOperation } from '../../wire/access-review.js';
import { operationMatches } from './action-match.js';
import { roleGuidOf, type RoleCatalog, type RoleDefinition } from './roles.js';
import { narrowestScope } from './review-scope.js';

const DAY_MS = 86_400_000;
/** Retention bounds the evidence anyway; a longer window only costs a bigger scan. */
export const MAX_REVIEW_DAYS = 3650;

/** Whose access is reviewed: a user-assigned identity, or a resource for its system-assigned one. */
export interface ReviewSubject {
  id: string;
  name: string;
  principalId: string;
}

const lower = (s: string): string => s.toLowerCase();

/** Usage rows folded per operation (kind + operation, case-insensitively), first spelling kept. */
export function usedOperations(rows: readonly PermissionUsageRow[]): UsedOperation[] {
  const ops = new Map<string, UsedOperation & { last: number }>();
  for (const r of rows) {
    const key = `${r.kind}\n${lower(r.action)}`;
    const o = ops.get(key) ?? { kind: r.kind, operation: r.action, count: 0, lastUse: '', scopes: [], last: 0 };
    o.count += r.count;
    o.last = Math.max(o.last, r.lastAt);
    if (!o.scopes.some((s) => lower(s) === lower(r.scope))) o.scopes.push(r.scope);
    ops.set(key, o);
  }
  return [...ops.values()]
    .map(({ last, ...o }) => ({ ...o, lastUse: new Date(last).toISOString(), scopes: o.scopes.sort() }))
    .sort((a, b) => a.kind.localeCompare(b.kind) || lower(a.operation).localeCompare(lower(b.operation)));
}

/** One assignment: what it allowed, which of its role's patterns no call matched, which only some did. */
export function reviewAssignment(
  a: RoleAssignmentRecord,
  role: RoleDefinition | undefined,
  rows: readonly PermissionUsageRow[],
  direct: boolean,
): AssignmentReview {
  const used = usedOperations(rows.filter((r) => lower(r.assignmentId) === lower(a.id)));
  const review: AssignmentReview = {
    id: a.id,
    scope: a.scope,
    roleDefinitionId: a.roleDefinitionId,
    roleName: role?.roleName ?? null,
    direct,
    used,
    unused: { actions: [], dataActions: [] },
    partlyUsed: [],
  };
  for (const kind of ['action', 'dataAction'] as const) {
    const patterns = new Set((role?.permissions ?? []).flatMap((b) => (kind === 'action' ? b.actions : b.dataActions)));
    const ops = used.filter((u) => u.kind === kind).map((u) => u.operation);
    for (const pattern of patterns) {
      const usedBy = ops.filter((op) => operationMatches(pattern, op));
      if (usedBy.length === 0) review.unused[kind === 'action' ? 'actions' : 'dataActions'].push(pattern);
      else if (pattern.includes('*')) review.partlyUsed.push({ kind, pattern, usedBy });
    }
  }
  return review;
}

/**
 * The used operations, listed exactly: a wildcard would also grant operations nobody was seen
 * using, so the suggestion never widens (docs/audit.md, access review).
 */
function suggestRole(subject: ReviewSubject, rows: readonly PermissionUsageRow[]): SuggestedRole | null {
  if (rows.length === 0) return null;
  const ops = usedOperations(rows);
  const of = (kind: string) => ops.filter((o) => o.kind === kind).map((o) => o.operation);
  return {
    roleName: `${subject.name} least privilege`,
    description: `The operations ${subject.id} used, as observed by openmi.`,
    assignableScopes: [narrowestScope(rows.map((r) => r.scope))],
    permissions: [{ actions: of('action'), notActions: [], dataActions: of('dataAction'), notDataActions: [] }],
  };
}

/** The identity's own assignments, then those its usage names that are not its own (groups it is in). */
async function assignmentsOf(
  store: Store,
  principalId: string,
  rows: readonly PermissionUsageRow[],
): Promise<{ a: RoleAssignmentRecord; direct: boolean }[]> {
  const own = await store.roleAssignments.listForPrincipal(principalId);
  const known = new Set(own.map((a) => lower(a.id)));
  const others = [...new Set(rows.map((r) => r.assignmentId).filter((id) => !known.has(lower(id))))];
  const found = await Promise.all(others.map((id) => store.roleAssignments.get(id)));
  return [
    ...own.map((a) => ({ a, direct: true })),
    ...found.filter((a) => a !== undefined).map((a) => ({ a, direct: false })),
  ];
}

/** The first UTC midnight of a `days`-day window that includes today; refuses a window out of bounds. */
export function reviewWindowStart(clock: Clock, days: number): number {
  if (!Number.isInteger(days) || days < 1 || days > MAX_REVIEW_DAYS)
    throw invalid(`days must be a whole number from 1 to ${MAX_REVIEW_DAYS}, not '${days}'.`, { target: 'days' });
  const now = clock.now();
  return now - (now % DAY_MS) - (days - 1) * DAY_MS;
}

/** What `subject` used of its permissions over the last `days` UTC days (today included). */
export async function accessReview(
  store: Store,
  catalog: RoleCatalog,
  clock: Clock,
  subject: ReviewSubject,
  days: number,
): Promise<AccessReview> {
  const from = reviewWindowStart(clock, days);
  const rows = await store.permissionUsage.list([subject.principalId], from);
  const held = await assignmentsOf(store, subject.principalId, rows);
  const roles = await Promise.all(held.map(({ a }) => catalog.get(roleGuidOf(a.roleDefinitionId))));
  const assignments = held.map(({ a, direct }, i) => reviewAssignment(a, roles[i], rows, direct));
  return {
    identityId: subject.id,
    principalId: subject.principalId,
    days,
    from: new Date(from).toISOString(),
    assignments,
    unusedAssignments: assignments.filter((a) => a.used.length === 0).map((a) => a.id),
    suggestedRole: suggestRole(subject, rows),
  };
}
