import type { Actor, ChangeRecorder } from '../audit/changes.js';
import { changeInTransaction } from '../audit/changes-batch.js';
import type { Clock } from '../../kernel/clock.js';
import { conflict, invalid, notFound } from '../../kernel/errors.js';
import type { RoleCatalog, RoleDefinition } from './roles.js';
import type { RoleDefinitionRecord } from '../../store/records.js';
import type { Store, StoreRepos } from '../../store/store.js';
import { checkDefinitionInput, type CheckedDefinition, type DefinitionInput } from './definition-input.js';
import type { DefinitionFilter } from './filters.js';
import {
  isAtOrAbove,
  isGuid,
  normalizeScope,
  requireScopeExists,
  ROLE_DEFINITIONS,
  roleDefinitionIdAt,
} from './scopes.js';

/** Checks the caller holds `action` at every scope (LinkedAuthorizationFailed otherwise); supplied by the surface. */
export type ScopesAccessCheck = (action: string, scopes: string[]) => Promise<void>;

export const customRoleOf = (r: RoleDefinitionRecord): RoleDefinition => ({
  id: r.id,
  roleName: r.roleName,
  type: 'CustomRole',
  description: r.description,
  assignableScopes: r.assignableScopes,
  permissions: r.permissions,
  createdAt: r.createdAt,
  updatedAt: r.updatedAt,
  createdBy: r.createdBy,
  updatedBy: r.updatedBy,
});

/** Usable at the scope: some assignable scope is at or above it (or, when asked, below it). */
function visibleAt(role: RoleDefinition, scope: string, andBelow: boolean): boolean {
  if (role.type === 'BuiltInRole') return true;
  return role.assignableScopes.some((a) => isAtOrAbove(a, scope) || (andBelow && isAtOrAbove(scope, a)));
}

const builtIn = (role: RoleDefinition) =>
  invalid(
    `'${role.roleName}' (${role.id}) is a built-in role and cannot be changed or deleted. Create a custom role with another id instead.`,
    { code: 'CannotModifyBuiltInRole' },
  );

const notFoundRole = (guid: string) =>
  notFound(`The specified role definition with ID '${guid}' does not exist.`, { code: 'RoleDefinitionDoesNotExist' });

/**
 * Role definitions (docs/wire/arm.md): built-ins come from the catalog and never change; custom
 * roles live in the store. Writing a custom role needs roleDefinitions/write at each of its
 * assignable scopes, and one still used by assignments cannot be deleted or narrowed past them.
 */
export class RoleDefinitionService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
    readonly recorder: ChangeRecorder,
    private readonly catalog: RoleCatalog,
  ) {}

  async list(scope: string, f: DefinitionFilter): Promise<RoleDefinition[]> {
    const s = normalizeScope(scope);
    await requireScopeExists(this.store, s);
    return (await this.catalog.list()).filter(
      (r) =>
        visibleAt(r, s, f.atScopeAndBelow) &&
        (f.type === undefined || r.type === f.type) &&
        (f.roleName === undefined || r.roleName.toLowerCase() === f.roleName.toLowerCase()),
    );
  }

  /** By GUID. At the root (the tenant-level id) every role is found; elsewhere custom roles must relate to the scope. */
  async get(scope: string, guid: string): Promise<RoleDefinition> {
    const s = normalizeScope(scope);
    await requireScopeExists(this.store, s);
    const role = isGuid(guid) ? await this.catalog.get(guid.toLowerCase()) : undefined;
    if (!role || (s !== '/' && !visibleAt(role, s, true))) throw notFoundRole(guid);
    return role;
  }

  async put(
    scope: string,
    guid: string,
    input: DefinitionInput,
    actor: Actor,
    access: ScopesAccessCheck,
  ): Promise<{ definition: RoleDefinition; created: boolean }> {
    const id = this.checkId(guid);
    const s = normalizeScope(scope);
    await requireScopeExists(this.store, s);
    const checked = await checkDefinitionInput(this.store, input);
    const current = await this.catalog.get(id);
    if (current?.type === 'BuiltInRole') throw builtIn(current);
    const holder = await this.catalog.getByName(checked.roleName);
    if (holder && holder.id.toLowerCase() !== id) {
      throw conflict(
        `A role named '${holder.roleName}' already exists (${holder.id}). Role names are unique in the tenant; choose another name.`,
        { code: 'RoleDefinitionWithSameNameExists', target: 'properties.roleName' },
      );
    }
    await access(`${ROLE_DEFINITIONS}/write`, [...checked.assignableScopes, ...(current?.assignableScopes ?? [])]);
    return changeInTransaction(this, actor, async (tx, batch) => {
      const result = await this.upsert(tx, s, id, checked, actor);
      batch.add(`${ROLE_DEFINITIONS}/write`, roleDefinitionIdAt(s, id), {
        created: result.created,
        roleName: checked.roleName,
        assignableScopes: checked.assignableScopes,
        permissions: checked.permissions,
      });
      return { definition: customRoleOf(result.record), created: result.created };
    });
  }

  /** The deleted role, or undefined when there was none (the route answers 204). */
  async delete(
    scope: string,
    guid: string,
    actor: Actor,
    access: ScopesAccessCheck,
  ): Promise<RoleDefinition | undefined> {
    if (!isGuid(guid)) return undefined;
    const id = guid.toLowerCase();
    const current = await this.catalog.get(id);
    if (current?.type === 'BuiltInRole') throw builtIn(current);
    const stored = await this.store.roleDefinitions.get(id);
    if (!stored) return undefined;
    await access(`${ROLE_DEFINITIONS}/delete`, stored.assignableScopes);
    return changeInTransaction(this, actor, async (tx, batch) => {
      const record = await tx.roleDefinitions.get(id);
      if (!record) return undefined;
      await this.requireUnused(tx, record, []);
      await tx.roleDefinitions.delete(id);
      batch.add(`${ROLE_DEFINITIONS}/delete`, roleDefinitionIdAt(normalizeScope(scope), id), {
        roleName: record.roleName,
        assignableScopes: record.assignableScopes,
      });
      return customRoleOf(record);
    });
  }

  private checkId(guid: string): string {
    if (!isGuid(guid)) {
      throw invalid(
        `The role definition name '${guid}' is not valid: it must be a GUID, e.g. '7b2e1a4c-9d3f-4e5a-8b6c-0d1e2f3a4b5c'.`,
        { code: 'InvalidRoleDefinitionId', target: 'name' },
      );
    }
    return guid.toLowerCase();
  }

  private async upsert(
    tx: StoreRepos,
    scope: string,
    id: string,
    c: CheckedDefinition,
    actor: Actor,
  ): Promise<{ record: RoleDefinitionRecord; created: boolean }> {
    const existing = await tx.roleDefinitions.get(id);
    const now = this.clock.now();
    if (existing) {
      await this.requireUnused(tx, existing, c.assignableScopes);
      const record = { ...existing, ...c, updatedBy: actor.principalId, updatedAt: now };
      await tx.roleDefinitions.update(record);
      return { record, created: false };
    }
    const record: RoleDefinitionRecord = {
      id,
      ...c,
      scope,
      createdBy: actor.principalId,
      updatedBy: actor.principalId,
      createdAt: now,
      updatedAt: now,
    };
    await tx.roleDefinitions.create(record);
    return { record, created: true };
  }

  /** No assignment of the role may fall outside `keep` (nothing kept: the role is being deleted). */
  private async requireUnused(tx: StoreRepos, role: RoleDefinitionRecord, keep: string[]): Promise<void> {
    const stranded = (await tx.roleAssignments.listForRoleDefinition(role.id)).filter(
      (ra) => !keep.some((k) => isAtOrAbove(k, ra.scope)),
    );
    if (stranded.length === 0) return;
    const scopes = [...new Set(stranded.map((ra) => ra.scope))].slice(0, 5).join("', '");
    throw invalid(
      `There are existing role assignments referencing role '${role.roleName}' (${stranded.length}, at '${scopes}'). Delete them first (openmi role assignment delete), or keep an assignable scope that covers them.`,
      { code: 'RoleDefinitionHasAssignments' },
    );
  }
}
