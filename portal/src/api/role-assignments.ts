import { arm, armList } from './arm.js';
import { API } from './api-versions.js';
import type { RoleAssignmentWire, RoleDefinitionWire } from '../../../src/wire/authorization.js';

export type { RoleAssignmentWire, RoleDefinitionWire };

const RA = 'providers/Microsoft.Authorization/roleAssignments';
const subScope = (sub: string) => `/subscriptions/${sub}`;
/** A scope path for the URL: '/' (tenant root) must not become '//providers/…'. */
const under = (scope: string) => (scope === '/' ? '' : scope.replace(/\/+$/, ''));

/** The last path segment of a role definition id: the same role is referenced at several scopes. */
export const roleGuidOf = (roleDefinitionId: string) => roleDefinitionId.split('/').pop()!.toLowerCase();

export const listRoleDefinitions = (sub: string) =>
  armList<RoleDefinitionWire>(`${subScope(sub)}/providers/Microsoft.Authorization/roleDefinitions`, {
    apiVersion: API.authorization,
  });

/** The subscription's role definitions by name, and role names by role GUID, so assignments at any scope resolve. */
export async function roleNames(
  sub: string,
): Promise<{ defs: RoleDefinitionWire[]; nameOf: (roleDefinitionId: string) => string }> {
  const defs = (await listRoleDefinitions(sub)).sort((a, b) =>
    a.properties.roleName.localeCompare(b.properties.roleName),
  );
  const byGuid = new Map(defs.map((d) => [d.name.toLowerCase(), d.properties.roleName]));
  return { defs, nameOf: (id) => byGuid.get(roleGuidOf(id)) ?? `Unknown role ${roleGuidOf(id)}` };
}

/** atScope(): the assignments at this scope (a resource) and those inherited from above it. */
export const listRoleAssignmentsAt = (scope: string) =>
  armList<RoleAssignmentWire>(`${under(scope)}/${RA}`, {
    apiVersion: API.authorization,
    query: { $filter: 'atScope()' },
  });

/** Every assignment in the subscription and above it. */
export const listAssignmentsIn = (sub: string) =>
  armList<RoleAssignmentWire>(`${subScope(sub)}/${RA}`, { apiVersion: API.authorization });

/**
 * Every assignment of the principal that touches the subscription: inherited ones (at the tenant
 * root '/') and ones below it (resource groups, resources). `principalId eq` keeps both directions;
 * `assignedTo()` would drop those below the subscription.
 */
export const listAssignmentsOf = (sub: string, principalId: string) =>
  armList<RoleAssignmentWire>(`${subScope(sub)}/${RA}`, {
    apiVersion: API.authorization,
    query: { $filter: `principalId eq '${principalId}'` },
  });

export function createRoleAssignment(
  scope: string,
  roleDefinitionId: string,
  principalId: string,
): Promise<RoleAssignmentWire> {
  return arm<RoleAssignmentWire>('PUT', `${under(scope)}/${RA}/${crypto.randomUUID()}`, {
    apiVersion: API.authorization,
    body: { properties: { roleDefinitionId, principalId, principalType: 'ServicePrincipal' } },
  });
}

/** Deletes by the assignment's full id (`{scope}/providers/…/roleAssignments/{name}`). */
export const deleteRoleAssignment = (id: string) => arm('DELETE', id, { apiVersion: API.authorization });
