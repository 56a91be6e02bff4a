/** Identity usage from the sign-in log (OpenMI.Audit): per-identity usage, unused identities and deletion impact (docs/audit.md). */

/** Token use of one identity from one calling resource, over the sign-in log's retention window. */
export interface CallerUsage {
  callingResourceId: string;
  /** ISO times of the first and last successful token request (null when every request failed). */
  firstUse: string | null;
  lastUse: string | null;
  successes: number;
  failures: number;
}

export interface IdentityUsage {
  identityId: string;
  principalId: string;
  clientId: string;
  resources: string[];
  roleAssignments: { id: string; roleDefinitionId: string; scope: string }[];
  federatedCredentials: { name: string; issuer: string; subject: string }[];
  usage: CallerUsage[];
}

export interface UnusedIdentity {
  id: string;
  name: string;
  resourceGroup: string;
  principalId: string;
  clientId: string;
  /** ISO time of the last successful token request still in the sign-in log, or null. */
  lastUse: string | null;
  resources: string[];
}

export interface ImpactedResource {
  id: string;
  lastUse: string | null;
}

export interface IdentityImpact {
  identityId: string;
  /** Present when the question was about removing one role assignment. */
  roleAssignment?: { id: string; roleDefinitionId: string; scope: string };
  resources: ImpactedResource[];
}

/** What an identity would lose if it left one group it is a direct member of (docs/groups.md). */
export interface MembershipImpact {
  identityId: string;
  groupId: string;
  /** The group and every group the identity is in only through it. */
  lostGroups: string[];
  /** The role assignments of those groups. */
  roleAssignments: { id: string; roleDefinitionId: string; scope: string; principalId: string }[];
  /** Scopes of those assignments the identity asked tokens for, per the sign-in log. */
  resources: ImpactedResource[];
  /** The calling resources whose workloads asked for those tokens. */
  callingResources: ImpactedResource[];
}

/** One principal's share of removing a role assignment (docs/groups.md). */
export interface MemberAssignmentImpact {
  principalId: string;
  displayName: string | null;
  /** ARM id of the managed identity (user-assigned) or of its resource (system-assigned); null otherwise. */
  identityResourceId: string | null;
  /** Group ids from the principal's direct group to the assignment's group; empty when the assignment names it. */
  via: string[];
  /** The role's `actions` and `dataActions` patterns no other assignment of the principal keeps at the scope. */
  lostActions: string[];
  lostDataActions: string[];
  /** The principal's other assignments (its own or its groups') that keep some of the role's permissions there. */
  keptBy: { id: string; roleDefinitionId: string; scope: string; principalId: string }[];
  /** The assignment's scope, when the principal asked tokens for it and loses something, per the sign-in log. */
  resources: ImpactedResource[];
  /** The calling resources whose workloads asked for those tokens. */
  callingResources: ImpactedResource[];
}

/** What every principal the assignment reaches (a group's transitive members) would lose if it were removed. */
export interface AssignmentImpact {
  roleAssignment: {
    id: string;
    roleDefinitionId: string;
    roleName: string | null;
    scope: string;
    principalId: string;
    principalType: string;
  };
  members: MemberAssignmentImpact[];
}
