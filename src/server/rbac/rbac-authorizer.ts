import type { RoleAssignmentRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';
import type { AccessDecision, Authorizer } from './authorizer.js';
import { evaluate, type Evaluation, type OperationKind, type ResolvedAssignment } from './evaluate.js';
import { roleGuidOf, type RoleCatalog, type RoleDefinition } from './roles.js';

/** Told of every access check's outcome (the server's metrics). */
export interface DecisionObserver {
  rbacDecision(allowed: boolean, kind: OperationKind): void;
}

/**
 * Azure RBAC over the store's role assignments and the catalog's role definitions.
 *
 * Reads the principal's assignments on every call, with no cache: Azure takes minutes to
 * propagate a change, we promise none, so a deleted assignment denies the very next request.
 * Group membership is not modelled (openmi's directory has no groups), so only direct
 * assignments count; deny assignments are always empty.
 */
export class RbacAuthorizer implements Authorizer {
  constructor(
    private readonly store: Pick<Store, 'roleAssignments'>,
    private readonly catalog: RoleCatalog,
    private readonly observer?: DecisionObserver,
  ) {}

  async check(
    principalId: string,
    action: string,
    scope: string,
    kind: OperationKind = 'action',
  ): Promise<AccessDecision> {
    const { allowed, reason } = await this.explain(principalId, action, scope, kind);
    this.observer?.rbacDecision(allowed, kind);
    return { allowed, reason };
  }

  /** The decision plus every assignment of the principal and what it contributed. */
  async explain(
    principalId: string,
    action: string,
    scope: string,
    kind: OperationKind = 'action',
  ): Promise<Evaluation> {
    const assignments = await this.store.roleAssignments.listForPrincipal(principalId);
    const resolved = await this.resolve(assignments);
    return evaluate({ action, scope, kind }, resolved);
  }

  /** Looks each distinct role up once: a principal often holds one role at several scopes. */
  private async resolve(assignments: RoleAssignmentRecord[]): Promise<ResolvedAssignment[]> {
    const guids = [...new Set(assignments.map((a) => roleGuidOf(a.roleDefinitionId)))];
    const roles = await Promise.all(guids.map((g) => this.catalog.get(g)));
    const byGuid = new Map<string, RoleDefinition | undefined>(guids.map((g, i) => [g, roles[i]]));
    return assignments.map((a) => ({ assignment: a, role: byGuid.get(roleGuidOf(a.roleDefinitionId)) }));
  }
}
