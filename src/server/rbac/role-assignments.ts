import type { Actor, ChangeRecorder } from '../audit/changes.js';
import { changeInTransaction } from '../audit/changes-batch.js';
import type { Clock } from '../../kernel/clock.js';
import { conflict, invalid, notFound } from '../../kernel/errors.js';
import { roleGuidOf, type RoleCatalog } from './roles.js';
import { BuiltinRoleIds } from './builtin-roles.js';
import type { RoleAssignmentRecord } from '../../store/records.js';
import type { Store, StoreRepos } from '../../store/store.js';
import { checkAssignmentInput, type AssignmentInput, type CheckedAssignment } from './assignment-input.js';
import type { AssignmentFilter } from './filters.js';
import { isAtOrAbove, isGuid, normalizeScope, requireScopeExists, roleDefinitionIdAt } from './scopes.js';

export const ROLE_ASSIGNMENTS = 'Microsoft.Authorization/roleAssignments';

export const assignmentIdOf = (scope: string, name: string) =>
  `${scope === '/' ? '' : scope}/providers/${ROLE_ASSIGNMENTS}/${name}`;

const grants = (ra: RoleAssignmentRecord, principalId: string, roleGuid: string) =>
  ra.principalId.toLowerCase() === principalId.toLowerCase() && roleGuidOf(ra.roleDefinitionId) === roleGuid;

function checkName(name: string): void {
  if (!isGuid(name)) {
    throw invalid(
      `The role assignment name '${name}' is not valid: it must be a GUID, e.g. '4f0d2c1e-8a7b-4c6d-9e5f-3a2b1c0d9e8f'.`,
      { code: 'InvalidRoleAssignmentName', target: 'name' },
    );
  }
}

/**
 * Role assignments (docs/wire/arm.md): who holds which role at which scope. Names are GUIDs unique
 * across every scope. The principal must exist in openmi's directory, the role must exist and be
 * assignable at the scope, and the scope itself must exist. Every write is recorded as a change.
 */
export class RoleAssignmentService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly recorder: ChangeRecorder,
    private readonly catalog: RoleCatalog,
  ) {}

  async get(scope: string, name: string): Promise<RoleAssignmentRecord> {
    const s = normalizeScope(scope);
    await requireScopeExists(this.store, s);
    const found = isGuid(name) ? await this.store.roleAssignments.get(assignmentIdOf(s, name)) : undefined;
    if (!found)
      throw notFound(`The role assignment '${name}' is not found at scope '${s}'.`, { code: 'RoleAssignmentNotFound' });
    return found;
  }

  async put(
    scope: string,
    name: string,
    input: AssignmentInput,
    actor: Actor,
  ): Promise<{ assignment: RoleAssignmentRecord; created: boolean }> {
    checkName(name);
    const s = normalizeScope(scope);
    const checked = checkAssignmentInput(input);
    await requireScopeExists(this.store, s);
    // The catalog reads the store itself, so it is asked before the transaction (the store refuses re-entry).
    await this.requireAssignableRole(checked.roleGuid, s);
    return changeInTransaction(this, actor, async (tx, batch) => {
      const principalType = await this.principalTypeFor(tx, checked);
      const result = await this.upsert(tx, s, name, { ...checked, principalType }, actor);
      const a = result.assignment;
      batch.add(`${ROLE_ASSIGNMENTS}/write`, a.id, {
        created: result.created,
        principalId: a.principalId,
        principalType: a.principalType,
        roleDefinitionId: a.roleDefinitionId,
        scope: a.scope,
        description: a.description,
        condition: a.condition ?? null,
      });
      return result;
    });
  }

  /** The deleted assignment, or undefined when there was none (the route answers 204). */
  async delete(scope: string, name: string, actor: Actor): Promise<RoleAssignmentRecord | undefined> {
    if (!isGuid(name)) return undefined;
    return changeInTransaction(this, actor, async (tx, batch) => {
      const found = await tx.roleAssignments.get(assignmentIdOf(normalizeScope(scope), name));
      if (!found) return undefined;
      await refuseLastRootOwner(tx, found);
      await tx.roleAssignments.delete(found.id);
      batch.add(`${ROLE_ASSIGNMENTS}/delete`, found.id, {
        principalId: found.principalId,
        roleDefinitionId: found.roleDefinitionId,
        scope: found.scope,
      });
      return found;
    });
  }

  /**
   * No filter: at, above and below the scope. `atScope()`: at or above. `principalId eq`: that
   * principal's, at, above or below. `assignedTo()`: that principal's, at or above. Oldest first.
   */
  async list(scope: string, f: AssignmentFilter): Promise<RoleAssignmentRecord[]> {
    const s = normalizeScope(scope);
    await requireScopeExists(this.store, s);
    const principal = f.assignedTo ?? f.principalId;
    const onlyAbove = f.atScope || f.assignedTo !== undefined;
    const candidates =
      principal !== undefined
        ? await this.store.roleAssignments.listForPrincipal(principal)
        : await this.around(s, onlyAbove);
    return candidates
      .filter((ra) => isAtOrAbove(ra.scope, s) || (!onlyAbove && isAtOrAbove(s, ra.scope)))
      .filter((ra) => principal === undefined || ra.principalId.toLowerCase() === principal.toLowerCase())
      .sort((a, b) => a.createdAt - b.createdAt || a.id.toLowerCase().localeCompare(b.id.toLowerCase()));
  }

  /** Assignments at every ancestor of the scope, plus (unless onlyAbove) at or below it. */
  private async around(scope: string, onlyAbove: boolean): Promise<RoleAssignmentRecord[]> {
    const segs = scope.split('/').filter(Boolean);
    const ancestors = ['/', ...segs.map((_, i) => `/${segs.slice(0, i + 1).join('/')}`)];
    const above = onlyAbove ? ancestors : ancestors.slice(0, -1);
    const rows = await Promise.all(above.map((a) => this.store.roleAssignments.listAtScope(a)));
    if (!onlyAbove) rows.push(await this.store.roleAssignments.listAtOrBelow(scope));
    const byId = new Map(rows.flat().map((ra) => [ra.id.toLowerCase(), ra]));
    return [...byId.values()];
  }

  /**
   * openmi's directory holds service principals (applications and managed identities) and
   * security groups (docs/groups.md); the type is the one the object has, whatever was sent.
   */
  private async principalTypeFor(tx: StoreRepos, c: CheckedAssignment): Promise<string> {
    const actual = (await tx.principals.getByObjectId(c.principalId))
      ? 'ServicePrincipal'
      : (await tx.groups.get(c.principalId))
        ? 'Group'
        : undefined;
    if (actual === undefined) {
      throw invalid(
        `Principal ${c.principalId} does not exist in the directory. Check the object id (not the client id) of the identity, application or group.`,
        { code: 'PrincipalNotFound', target: 'properties.principalId' },
      );
    }
    if (c.principalType !== undefined && c.principalType !== actual) {
      throw invalid(
        `The principal '${c.principalId}' has type '${actual}', which is different from specified principalType '${c.principalType}'.`,
        { code: 'UnmatchedPrincipalType', target: 'properties.principalType' },
      );
    }
    return actual;
  }

  private async requireAssignableRole(roleGuid: string, scope: string): Promise<void> {
    const role = await this.catalog.get(roleGuid);
    if (!role)
      throw invalid(`The specified role definition with ID '${roleGuid}' does not exist.`, {
        code: 'RoleDefinitionDoesNotExist',
        target: 'properties.roleDefinitionId',
      });
    if (!role.assignableScopes.some((a) => isAtOrAbove(a, scope))) {
      throw invalid(
        `The role '${role.roleName}' (${roleGuid}) cannot be assigned at scope '${scope}': its assignable scopes are ${role.assignableScopes.map((a) => `'${a}'`).join(', ')}.`,
        { code: 'InvalidRoleDefinitionId', target: 'properties.roleDefinitionId' },
      );
    }
  }

  private async upsert(
    tx: StoreRepos,
    scope: string,
    name: string,
    c: CheckedAssignment & { principalType: string },
    actor: Actor,
  ) {
    const roleDefinitionId = roleDefinitionIdAt(scope, c.roleGuid);
    const existing = await tx.roleAssignments.getByName(name);
    const now = this.clock.now();
    if (existing) {
      const same =
        normalizeScope(existing.scope).toLowerCase() === scope.toLowerCase() &&
        grants(existing, c.principalId, c.roleGuid);
      if (!same)
        throw invalid('Tenant ID, application ID, principal ID, and scope are not allowed to be updated.', {
          code: 'RoleAssignmentUpdateNotPermitted',
        });
      const assignment = {
        ...existing,
        description: c.description,
        condition: c.condition,
        conditionVersion: c.conditionVersion,
        updatedBy: actor.principalId,
        updatedAt: now,
      };
      await tx.roleAssignments.update(assignment);
      return { assignment, created: false };
    }
    await this.requireNoTwin(tx, scope, c);
    const assignment: RoleAssignmentRecord = {
      id: assignmentIdOf(scope, name),
      name,
      scope,
      roleDefinitionId,
      principalId: c.principalId,
      principalType: c.principalType,
      description: c.description,
      condition: c.condition,
      conditionVersion: c.conditionVersion,
      createdBy: actor.principalId,
      updatedBy: actor.principalId,
      createdAt: now,
      updatedAt: now,
    };
    await tx.roleAssignments.create(assignment);
    return { assignment, created: true };
  }

  private async requireNoTwin(tx: StoreRepos, scope: string, c: CheckedAssignment): Promise<void> {
    const twin = (await tx.roleAssignments.listAtScope(scope)).find((ra) => grants(ra, c.principalId, c.roleGuid));
    if (twin)
      throw conflict(`The role assignment already exists (as '${twin.name}').`, {
        code: 'RoleAssignmentExists',
        target: twin.id,
      });
  }
}

const isRootOwner = (ra: RoleAssignmentRecord) =>
  ra.scope === '/' && roleGuidOf(ra.roleDefinitionId) === BuiltinRoleIds.owner;

/**
 * Azure lets a tenant's last root Owner go, because Entra's global administrators can elevate
 * themselves back. openmi has no such escape hatch: without an Owner at `/` nobody could ever
 * grant a role again, so the last one stays until another principal holds it.
 */
async function refuseLastRootOwner(tx: StoreRepos, ra: RoleAssignmentRecord): Promise<void> {
  if (!isRootOwner(ra)) return;
  const owners = (await tx.roleAssignments.listAtScope('/')).filter(isRootOwner);
  if (owners.length <= 1) {
    throw invalid(
      'This is the last Owner assignment at the root scope /; deleting it would leave nobody able to manage openmi. Assign Owner at / to another principal first.',
      { code: 'LastRootOwner' },
    );
  }
}
