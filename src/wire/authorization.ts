/**
 * Role-based access control on the wire: Microsoft.Authorization's role assignments and
 * definitions (https://learn.microsoft.com/en-us/rest/api/authorization/), and openmi's
 * checkAccess and token revocations, which let verifiers outside the server (openmi gate,
 * users' own services) decide as the server would.
 */

export interface RoleAssignmentWire {
  id: string;
  /** GUID. */
  name: string;
  type: string;
  properties: {
    roleDefinitionId: string;
    principalId: string;
    principalType: string;
    /** As given at creation; '/' for the tenant root. */
    scope: string;
    condition: string | null;
    conditionVersion: string | null;
    description: string | null;
    createdOn: string | null;
    updatedOn: string | null;
    createdBy: string | null;
    updatedBy: string | null;
    delegatedManagedIdentityResourceId: null;
  };
}

export interface PermissionWire {
  actions: string[];
  notActions: string[];
  dataActions: string[];
  notDataActions: string[];
}

/** A role definition as seen from a scope: its id sits under that scope's subscription. */
export interface RoleDefinitionWire {
  id: string;
  /** The role's GUID, the same at every scope. */
  name: string;
  type: string;
  properties: {
    roleName: string;
    type: 'BuiltInRole' | 'CustomRole';
    description: string;
    assignableScopes: string[];
    permissions: PermissionWire[];
    createdOn: string | null;
    updatedOn: string | null;
    createdBy: string | null;
    updatedBy: string | null;
  };
}

/** `POST` here with a CheckAccessRequest: the decision RBAC would make, and why. */
export const CHECK_ACCESS_PATH = '/providers/OpenMI.Authorization/checkAccess';

/**
 * Exactly one of `action` and `dataAction`. `recordUsage: true` says the question decides a real
 * request (openmi gate): an allowed answer then counts as the principal's use of the permission
 * (docs/audit.md, permission usage); `openmi role explain` leaves it out.
 */
export type CheckAccessRequest = { principalId: string; scope: string; recordUsage?: boolean } & (
  { action: string } | { dataAction: string }
);

/** What one of the principal's assignments contributed to a decision. */
export type AssignmentVerdict =
  'grants' | 'outOfScope' | 'roleLacksOperation' | 'unknownRole' | 'conditionNotEvaluated';

export interface ConsideredAssignmentWire {
  id: string;
  name: string;
  scope: string;
  roleDefinitionId: string;
  roleName: string | null;
  verdict: AssignmentVerdict;
  /**
   * Present when the assignment names a group rather than the principal: the membership path,
   * from the principal's direct group to the group the assignment names (docs/groups.md).
   */
  via?: GroupRefWire[];
}

/** A directory group as explanations name it. */
export interface GroupRefWire {
  id: string;
  displayName: string;
}

/** The answer echoes the question (`principalId`, `scope` and the `action` or `dataAction` asked about). */
export type CheckAccessWire = CheckAccessRequest & {
  allowed: boolean;
  /** A sentence that explains the decision. */
  reason: string;
  considered: ConsideredAssignmentWire[];
};

/** `GET` here: every principal whose tokens issued at or before `revokedAt` must be refused. */
export const REVOCATIONS_PATH = '/providers/OpenMI.Tokens/revocations';

export interface RevocationWire {
  principalId: string;
  /** ISO 8601. */
  revokedAt: string;
}
