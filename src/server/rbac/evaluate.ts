/**
 * Azure RBAC evaluation (docs/wire/arm.md, how RBAC decides), pure: given a principal's assignments with their role
 * definitions resolved, decide one operation at one scope and say why.
 *
 * - An assignment applies when its scope is the target or above it (segment-wise, case-insensitive).
 * - A permission block allows an operation that matches one of its actions (dataActions for data
 *   operations) and none of its notActions (notDataActions) — the subtraction is local to the block,
 *   so another block or role can still grant what one block removes. Union over everything.
 * - Anything not granted is denied. Conditions (ABAC) are not evaluated yet, so a conditional
 *   assignment or block grants nothing: failing closed is the safe reading of a restriction.
 */
import type { RoleAssignmentRecord, RolePermission } from '../../store/records.js';
import { anyMatches } from './action-match.js';
import type { AccessDecision } from './authorizer.js';
import type { RoleDefinition } from './roles.js';
import { displayScope, scopeCovers } from './scope.js';
import type { AssignmentVerdict, ConsideredAssignmentWire, GroupRefWire } from '../../wire/authorization.js';

export type OperationKind = 'action' | 'dataAction';

export interface AccessRequest {
  /** Operation string, e.g. Microsoft.ManagedIdentity/userAssignedIdentities/write. */
  action: string;
  /** Target resource id or scope. */
  scope: string;
  kind: OperationKind;
}

/**
 * One of the principal's assignments, with its role definition (undefined when the catalog lacks
 * it). An assignment to a group the principal is in (transitively) carries the membership path in
 * `via`, from the principal's direct group to the assignment's group; it counts like a direct one
 * (https://learn.microsoft.com/azure/role-based-access-control/overview#groups).
 */
export interface ResolvedAssignment {
  assignment: RoleAssignmentRecord;
  role: RoleDefinition | undefined;
  via?: readonly GroupRefWire[];
}

/** What one assignment contributed to a decision: checkAccess returns these as they are. */
export type ConsideredAssignment = ConsideredAssignmentWire;

/** A decision plus every assignment that was looked at, for `openmi role explain` and checkAccess. */
export interface Evaluation extends AccessDecision {
  considered: ConsideredAssignment[];
}

// A denial lists the roles the principal holds; an admin with thousands would drown the message.
const MAX_HELD_IN_REASON = 10;

/**
 * A non-empty `condition`: on an assignment (RoleAssignmentRecord.condition), or on a permission
 * block (Azure puts some there; RolePermission declares none yet, but stored JSON may carry one).
 */
function hasCondition(x: object): boolean {
  const c = (x as { condition?: unknown }).condition;
  return c !== undefined && c !== null && c !== '';
}

/** True when this one permission block allows the (lower-cased) operation. */
export function blockAllows(block: RolePermission, operationLower: string, kind: OperationKind): boolean {
  if (hasCondition(block)) return false;
  const [allow, subtract] =
    kind === 'action' ? [block.actions, block.notActions] : [block.dataActions, block.notDataActions];
  return anyMatches(allow, operationLower) && !anyMatches(subtract, operationLower);
}

/** True when some block of the role allows the operation. */
export function roleAllows(role: RoleDefinition, operation: string, kind: OperationKind): boolean {
  const op = operation.toLowerCase();
  return role.permissions.some((block) => blockAllows(block, op, kind));
}

function verdictOf(r: ResolvedAssignment, req: AccessRequest): AssignmentVerdict {
  if (!scopeCovers(r.assignment.scope, req.scope)) return 'outOfScope';
  if (r.role === undefined) return 'unknownRole';
  if (hasCondition(r.assignment)) return 'conditionNotEvaluated';
  return roleAllows(r.role, req.action, req.kind) ? 'grants' : 'roleLacksOperation';
}

function considered(r: ResolvedAssignment, verdict: AssignmentVerdict): ConsideredAssignment {
  const a = r.assignment;
  return {
    id: a.id,
    name: a.name,
    scope: a.scope,
    roleDefinitionId: a.roleDefinitionId,
    roleName: r.role?.roleName ?? null,
    verdict,
    ...(r.via && r.via.length > 0 ? { via: r.via.map((g) => ({ id: g.id, displayName: g.displayName })) } : {}),
  };
}

const roleLabel = (c: ConsideredAssignment): string => c.roleName ?? `unknown role ${c.roleDefinitionId}`;
const groupLabel = (g: GroupRefWire): string => `'${g.displayName}' (${g.id})`;

/** "to group G, of which the principal is a member through group H" (empty for a direct assignment). */
export function groupPathText(via: readonly GroupRefWire[] | undefined): string {
  if (via === undefined || via.length === 0) return '';
  const holder = via[via.length - 1]!;
  if (via.length === 1) return ` to group ${groupLabel(holder)}, of which the principal is a direct member`;
  const through = via.slice(0, -1).map(groupLabel).join(', then group ');
  return ` to group ${groupLabel(holder)}, of which the principal is a member through group ${through}`;
}

function heldList(all: ConsideredAssignment[]): string {
  if (all.length === 0) return 'the principal holds no role assignments';
  const shown = all.slice(0, MAX_HELD_IN_REASON).map((c) => {
    const note = c.verdict === 'conditionNotEvaluated' ? ' (with a condition, not evaluated: grants nothing)' : '';
    return `${roleLabel(c)} at ${displayScope(c.scope)}${groupPathText(c.via)}${note}`;
  });
  const more = all.length > MAX_HELD_IN_REASON ? `, and ${all.length - MAX_HELD_IN_REASON} more` : '';
  return `the principal holds: ${shown.join(', ')}${more}`;
}

/** Decides `req` over the principal's assignments (in store order: the oldest granting one is named). */
export function evaluate(req: AccessRequest, assignments: readonly ResolvedAssignment[]): Evaluation {
  const all = assignments.map((r) => considered(r, verdictOf(r, req)));
  const granting = all.find((c) => c.verdict === 'grants');
  if (granting !== undefined) {
    const reason = `allowed by assignment ${granting.name} (role ${roleLabel(granting)}) at scope ${displayScope(granting.scope)}${groupPathText(granting.via)}`;
    return { allowed: true, reason, considered: all };
  }
  const reason = `denied: no assignment grants ${req.action} at or above ${displayScope(req.scope)}; ${heldList(all)}`;
  return { allowed: false, reason, considered: all };
}
