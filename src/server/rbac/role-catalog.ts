import type { RoleDefinitionRecord } from '../../store/records.js';
import type { StoreRepos } from '../../store/store.js';
import { BUILTIN_ROLES, builtinRoleById, builtinRoleByName } from './builtin-roles.js';
import { roleGuidOf, type RoleCatalog, type RoleDefinition } from './roles.js';

/** A custom role row as the evaluator and the ARM surface see it. */
export function customRoleDefinition(r: RoleDefinitionRecord): RoleDefinition {
  return {
    id: r.id,
    roleName: r.roleName,
    type: 'CustomRole',
    description: r.description,
    assignableScopes: [...r.assignableScopes],
    permissions: r.permissions.map((p) => ({ ...p })),
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
    createdBy: r.createdBy,
    updatedBy: r.updatedBy,
  };
}

/**
 * Built-in roles (shipped data, in memory) first, then the store's custom roles. Custom roles
 * are read from the store on every call, never cached, so an edit or a deletion applies to the
 * very next access check, on every node.
 */
export class BuiltinAndCustomRoleCatalog implements RoleCatalog {
  constructor(private readonly repos: Pick<StoreRepos, 'roleDefinitions'>) {}

  /** Accepts a bare GUID or a full role definition id in either form (subscription or tenant level). */
  async get(id: string): Promise<RoleDefinition | undefined> {
    const guid = roleGuidOf(id);
    const builtin = builtinRoleById(guid);
    if (builtin !== undefined) return builtin;
    const custom = await this.repos.roleDefinitions.get(guid);
    return custom && customRoleDefinition(custom);
  }

  async getByName(roleName: string): Promise<RoleDefinition | undefined> {
    const builtin = builtinRoleByName(roleName);
    if (builtin !== undefined) return builtin;
    const custom = await this.repos.roleDefinitions.getByName(roleName);
    return custom && customRoleDefinition(custom);
  }

  async list(): Promise<RoleDefinition[]> {
    const custom = await this.repos.roleDefinitions.list();
    return [...BUILTIN_ROLES, ...custom.map(customRoleDefinition)];
  }
}
