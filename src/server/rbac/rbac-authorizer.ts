import type { RoleAssignmentRecord } from '../../store/records.js';
import type { UsageRecorder } from '../audit/permission-usage.js';
import type { Store } from '../../store/store.js';
import type { GroupRefWire } from '../../wire/authorization.js';
import { transitiveGroups } from '../identities/group-expansion.js';
import type { AccessDecision, Authorizer } from './authorizer.js';
import { evaluate, type Evaluation, type OperationKind, type ResolvedAssignment } from './evaluate.js';
import { roleGuidOf, type RoleCatalog, type RoleDefinition } from './roles.js';

/** Told of every access check's outcome (the server's metrics). */
export interface DecisionObserver {
  rbacDecision(allowed: boolean, kind: OperationKind): void;
}

interface Held {
  assignment: RoleAssignmentRecord;
  via?: GroupRefWire[];
}

/**
 * Azure RBAC over the store's role assignments and the catalog's role definitions.
 *
 * Reads the principal's assignments and group memberships on every call, with no cache: Azure
 * takes minutes to propagate a change, we promise none, so a deleted assignment or a removed
 * membership denies the very next request, on every node sharing the store (docs/groups.md).
 * Assignments to every group the principal is in, directly or through nested groups, count like
 * its own; deny assignments are always empty.
 */
export class RbacAuthorizer implements Authorizer {
  constructor(
    private readonly store: Pick<Store, 'roleAssignments' | 'groups'>,
    private readonly catalog: RoleCatalog,
    private readonly observer?: DecisionObserver,
    /** Counts each allowed check against the assignment that allowed it (docs/audit.md, permission usage). */
    private readonly usage?: UsageRecorder,
  ) {}

  async check(
    principalId: string,
    action: string,
    scope: string,
    kind: OperationKind = 'action',
  ): Promise<AccessDecision> {
    const { allowed, reason } = await this.decide(principalId, action, scope, kind);
    return { allowed, reason };
  }

  /** `explain` for a real request: the decision is counted (metrics) and, when allowed, recorded as usage. */
  async decide(
    principalId: string,
    action: string,
    scope: string,
    kind: OperationKind = 'action',
  ): Promise<Evaluation> {
    const e = await this.explain(principalId, action, scope, kind);
    this.observer?.rbacDecision(e.allowed, kind);
    if (e.allowed && this.usage !== undefined) {
      const granting = e.considered.find((c) => c.verdict === 'grants');
      if (granting !== undefined) this.usage.granted(principalId, action, kind, scope, granting.id);
    }
    return e;
  }

  /** The decision plus every assignment of the principal and what it contributed. */
  async explain(
    principalId: string,
    action: string,
    scope: string,
    kind: OperationKind = 'action',
  ): Promise<Evaluation> {
    const { held, groups } = await this.assignmentsOf(principalId);
    const resolved = await this.resolve(held);
    const e = evaluate({ action, scope, kind }, resolved);
    if (e.allowed || groups.length === 0) return e;
    // A denial names the groups the principal is in, so "why not?" shows which memberships counted.
    const shown = groups.slice(0, 10).map((path) => path.map((g) => `'${g.displayName}' (${g.id})`).join(' in '));
    const more = groups.length > 10 ? `, and ${groups.length - 10} more` : '';
    return { ...e, reason: `${e.reason}; its group memberships: ${shown.join(', ')}${more}` };
  }

  /** The principal's own assignments, then those of each group it is in (nearest groups first). */
  private async assignmentsOf(principalId: string): Promise<{ held: Held[]; groups: GroupRefWire[][] }> {
    const paths = await transitiveGroups((id) => this.store.groups.listMemberships(id), principalId);
    const groupIds = [...paths.keys()];
    const [own, ...perGroup] = await Promise.all(
      [principalId, ...groupIds].map((id) => this.store.roleAssignments.listForPrincipal(id)),
    );
    const held: Held[] = own!.map((assignment) => ({ assignment }));
    const names = new Map<string, string>();
    const groups: GroupRefWire[][] = [];
    for (const [i, rows] of perGroup.entries()) {
      const path = paths.get(groupIds[i]!)!;
      const via = await Promise.all(path.map((id) => this.groupRef(id, names)));
      groups.push(via);
      held.push(...rows.map((assignment) => ({ assignment, via })));
    }
    return { held, groups };
  }

  private async groupRef(id: string, names: Map<string, string>): Promise<GroupRefWire> {
    if (!names.has(id)) names.set(id, (await this.store.groups.get(id))?.displayName ?? id);
    return { id, displayName: names.get(id)! };
  }

  /** Looks each distinct role up once: a principal often holds one role at several scopes. */
  private async resolve(held: Held[]): Promise<ResolvedAssignment[]> {
    const guids = [...new Set(held.map((h) => roleGuidOf(h.assignment.roleDefinitionId)))];
    const roles = await Promise.all(guids.map((g) => this.catalog.get(g)));
    const byGuid = new Map<string, RoleDefinition | undefined>(guids.map((g, i) => [g, roles[i]]));
    return held.map((h) => ({ ...h, role: byGuid.get(roleGuidOf(h.assignment.roleDefinitionId)) }));
  }
}
