import type { RolePermission } from '../../store/records.js';

export type { RolePermission } from '../../store/records.js';

/** A role definition as the evaluator and the ARM surface see it: built-in (shipped data) or custom (store). */
export interface RoleDefinition {
  /** GUID. */
  id: string;
  roleName: string;
  type: 'BuiltInRole' | 'CustomRole';
  description: string;
  assignableScopes: string[];
  permissions: RolePermission[];
  createdAt: number | null;
  updatedAt: number | null;
  createdBy: string | null;
  updatedBy: string | null;
}

/** Where role definitions come from: built-ins first, then the store's custom roles. Read on every call (no propagation delay). */
export interface RoleCatalog {
  get(id: string): Promise<RoleDefinition | undefined>;
  getByName(roleName: string): Promise<RoleDefinition | undefined>;
  /** Built-ins and custom roles. */
  list(): Promise<RoleDefinition[]>;
}

/** The GUID at the end of a role definition id ('/subscriptions/…/roleDefinitions/{guid}', '/providers/…/{guid}' or a bare guid). */
export function roleGuidOf(roleDefinitionId: string): string {
  return roleDefinitionId.slice(roleDefinitionId.lastIndexOf('/') + 1).toLowerCase();
}
