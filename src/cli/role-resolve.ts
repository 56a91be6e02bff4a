import type { ArmClient } from '../client/arm-client.js';
import { listAll } from '../client/arm-client.js';
import { CliError } from './cli-error.js';
import type { RoleDefinitionWire } from '../wire/authorization.js';

export const AUTHORIZATION_API = 'api-version=2022-04-01';
export const RA_PATH = 'providers/Microsoft.Authorization/roleAssignments';
export const RD_PATH = 'providers/Microsoft.Authorization/roleDefinitions';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isGuid = (s: string) => GUID.test(s);

/** `scope` + '/' + a provider path, without a double slash at the root. */
export const under = (scope: string, path: string) => `${scope.replace(/\/+$/, '')}/${path}`;

/** The scope to act on: `--scope` as given, else the resource group, else the subscription. */
export function scopeOf(client: ArmClient, o: { scope?: string; resourceGroup?: string }): string {
  if (o.scope) return o.scope.startsWith('/') ? o.scope : `/${o.scope}`;
  const sub = `/subscriptions/${client.subscriptionId}`;
  return o.resourceGroup ? `${sub}/resourceGroups/${encodeURIComponent(o.resourceGroup)}` : sub;
}

/** An object id as given, or the object id of the service principal whose client (app) id it is — via openmi's Graph slice. */
export async function resolveAssignee(client: ArmClient, assignee: string): Promise<string> {
  const byObject = await client
    .call<{ id?: string }>('GET', `/v1.0/servicePrincipals/${encodeURIComponent(assignee)}`)
    .catch(() => undefined);
  if (byObject?.body?.id) return byObject.body.id;
  const filter = encodeURIComponent(`appId eq '${assignee.replace(/'/g, "''")}'`);
  const byApp = await client.request<{ value?: { id: string }[] }>('GET', `/v1.0/servicePrincipals?$filter=${filter}`);
  const found = byApp?.value?.[0]?.id;
  if (!found)
    throw new CliError(
      `no principal has object id or client id '${assignee}'. Use the principalId or clientId of an identity (openmi identity show).`,
    );
  return found;
}

/** A role by GUID or by name, as the server reports it at the scope. */
export async function resolveRole(client: ArmClient, role: string, scope: string): Promise<RoleDefinitionWire> {
  if (isGuid(role))
    return client.request<RoleDefinitionWire>('GET', `${under(scope, `${RD_PATH}/${role}`)}?${AUTHORIZATION_API}`);
  const filter = encodeURIComponent(`roleName eq '${role.replace(/'/g, "''")}'`);
  const { value } = await listAll<RoleDefinitionWire>(
    client,
    `${under(scope, RD_PATH)}?${AUTHORIZATION_API}&$filter=${filter}`,
  );
  if (value.length === 0)
    throw new CliError(
      `no role named '${role}' can be used at scope '${scope}'. List them with 'openmi role definition list --scope ${scope}'.`,
    );
  return value[0]!;
}

/** GUID → role name for table output: built-ins and every custom role of the subscription. */
export async function roleNames(client: ArmClient): Promise<Map<string, string>> {
  const path = `/subscriptions/${client.subscriptionId}/${RD_PATH}?${AUTHORIZATION_API}&$filter=${encodeURIComponent('atScopeAndBelow()')}`;
  const { value } = await listAll<RoleDefinitionWire>(client, path);
  return new Map(value.map((d) => [d.name.toLowerCase(), d.properties.roleName]));
}

export const guidOf = (id: string) => id.slice(id.lastIndexOf('/') + 1).toLowerCase();
