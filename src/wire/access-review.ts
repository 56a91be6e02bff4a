/**
 * An identity's access review (OpenMI.Audit/accessReview, docs/audit.md): which of its permissions
 * it used, which it never did, and the custom role that would cover exactly what it used.
 */

export type OperationKindWire = 'action' | 'dataAction';

/** One operation an assignment allowed in the window. */
export interface UsedOperation {
  kind: OperationKindWire;
  /** The exact action or data action checked, e.g. Microsoft.KeyVault/vaults/secrets/getSecret/action. */
  operation: string;
  count: number;
  /** ISO time of the last use. */
  lastUse: string;
  /** Every scope it was checked at, sorted. */
  scopes: string[];
}

/** A wildcard of the role that some calls used: everything else it grants was not used. */
export interface PartlyUsedPattern {
  kind: OperationKindWire;
  pattern: string;
  usedBy: string[];
}

export interface AssignmentReview {
  id: string;
  scope: string;
  roleDefinitionId: string;
  roleName: string | null;
  /** False when the assignment names a group the identity is in (its usage still counts here). */
  direct: boolean;
  used: UsedOperation[];
  /** The role's actions and data actions (as written, wildcards included) that no call used. */
  unused: { actions: string[]; dataActions: string[] };
  partlyUsed: PartlyUsedPattern[];
}

/** A custom role holding exactly the operations used, at the narrowest scope covering every call. */
export interface SuggestedRole {
  roleName: string;
  description: string;
  assignableScopes: string[];
  permissions: { actions: string[]; notActions: string[]; dataActions: string[]; notDataActions: string[] }[];
}

export interface AccessReview {
  /** The user-assigned identity, or the resource whose system-assigned identity is reviewed. */
  identityId: string;
  principalId: string;
  days: number;
  /** ISO start of the window: midnight UTC, `days` days back including today. */
  from: string;
  assignments: AssignmentReview[];
  /** Ids of the assignments that allowed nothing in the window. */
  unusedAssignments: string[];
  /** Null when nothing was used in the window: there is no evidence to build a role from. */
  suggestedRole: SuggestedRole | null;
}

/** An assignment the plan adds or removes. */
export interface PlannedAssignment {
  id: string;
  scope: string;
  roleDefinitionId: string;
  roleName: string | null;
}

/** An observed call the identity could no longer make after the change. */
export interface WouldDeny {
  kind: OperationKindWire;
  operation: string;
  scope: string;
  reason: string;
}

/**
 * `POST …/accessReview/apply` (docs/audit.md): replace the identity's own assignments with the
 * suggested role. `applied` is false for a dry run; a plan with `wouldDeny` is never applied.
 */
export interface AccessApplyPlan {
  identityId: string;
  principalId: string;
  days: number;
  /** The custom role to create (or the existing one of that name and content, reused). */
  role: SuggestedRole & { id: string; exists: boolean };
  assignment: PlannedAssignment;
  removes: PlannedAssignment[];
  /** How many distinct observed (operation, scope) pairs were re-decided against the new assignments. */
  checked: number;
  wouldDeny: WouldDeny[];
  applied: boolean;
}

/** What one member of a group used of one of the group's assignments. */
export interface GroupMemberUse {
  principalId: string;
  displayName: string | null;
  /** The identity's resource (user-assigned identity, or the resource of a system-assigned one). */
  identityResourceId: string | null;
  used: UsedOperation[];
}

export interface GroupAssignmentReview extends AssignmentReview {
  /** The members whose calls this assignment allowed, each with what it used. */
  members: GroupMemberUse[];
}

/** `GET /providers/OpenMI.Audit/groupAccessReviews/{groupId}` (docs/audit.md): who used the group's roles. */
export interface GroupAccessReview {
  groupId: string;
  displayName: string;
  days: number;
  from: string;
  assignments: GroupAssignmentReview[];
  unusedAssignments: string[];
  /** Transitive members (service principals) none of whose calls any of the group's assignments allowed. */
  membersWithoutUse: Omit<GroupMemberUse, 'used'>[];
}
