import { listRoleDefinitions, roleGuidOf, type RoleDefinitionWire } from '../../api/role-assignments.js';
import { groupOf } from '../../api/identities.js';

/** Role names by role GUID, so assignments at any scope resolve. */
export async function roleNames(sub: string): Promise<{ defs: RoleDefinitionWire[]; nameOf: (roleDefinitionId: string) => string }> {
  const defs = (await listRoleDefinitions(sub)).sort((a, b) => a.properties.roleName.localeCompare(b.properties.roleName));
  const byGuid = new Map(defs.map((d) => [d.name.toLowerCase(), d.properties.roleName]));
  return { defs, nameOf: (id) => byGuid.get(roleGuidOf(id)) ?? `Unknown role ${roleGuidOf(id)}` };
}

/** A scope in words: "Tenant root", "Subscription", "Resource group rg1", or the resource's type and name. */
export function describeScope(scope: string): string {
  const s = scope.replace(/\/+$/, '');
  if (s === '') return 'Tenant root (/)';
  if (/^\/subscriptions\/[^/]+$/i.test(s)) return 'Subscription';
  if (/^\/subscriptions\/[^/]+\/resourceGroups\/[^/]+$/i.test(s)) return `Resource group ${groupOf(s)}`;
  const m = /\/providers\/[^/]+\/([^/]+)\/([^/]+)$/i.exec(s);
  return m ? `${m[2]} (${m[1]}) in ${groupOf(s)}` : s;
}
