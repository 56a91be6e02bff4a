import { randomUUID } from 'node:crypto';
import { Command } from 'commander';
import { listAll, type ArmClient } from '../../client/arm-client.js';
import { CliError } from '../cli-error.js';
import { clientFor, withClientOptions, type ClientOptions } from '../command-kit.js';
import { print, type Column } from '../output.js';
import {
  AUTHORIZATION_API,
  guidOf,
  isGuid,
  RA_PATH,
  resolveAssignee,
  resolveRole,
  roleNames,
  scopeOf,
  under,
} from '../role-resolve.js';
import { roleDefinitionCommand } from './role-definition.js';
import type { RoleAssignmentWire } from '../../wire/authorization.js';
import { roleExplainCommand } from './role-explain.js';

interface ScopeOptions extends ClientOptions {
  scope?: string;
  resourceGroup?: string;
}

/** A leaf command with the client options and the scope flags every assignment command shares. */
function scoped(verb: string, description: string): Command {
  return withClientOptions(new Command(verb).description(description))
    .option(
      '--scope <scope>',
      'scope: /subscriptions/{id}[/resourceGroups/{name}[/providers/…]] (default: the subscription)',
    )
    .option('-g, --resource-group <name>', 'use this resource group of the subscription as the scope');
}

function columns(names: Map<string, string>): Column<RoleAssignmentWire>[] {
  return [
    { header: 'name', get: (a) => a.name },
    { header: 'principalId', get: (a) => a.properties.principalId },
    {
      header: 'role',
      get: (a) => names.get(guidOf(a.properties.roleDefinitionId)) ?? guidOf(a.properties.roleDefinitionId),
    },
    { header: 'scope', get: (a) => a.properties.scope },
  ];
}

async function printAssignments(
  client: ArmClient,
  o: ClientOptions,
  json: unknown,
  rows: RoleAssignmentWire[],
): Promise<void> {
  print(o.output, json, rows, columns(o.output === 'table' ? await roleNames(client) : new Map<string, string>()));
}

function createCommand(): Command {
  return scoped('create', 'Assign a role to a principal at a scope.')
    .requiredOption('--assignee <id>', 'object id (principalId) or client id of the principal')
    .requiredOption('--role <role>', 'role name (e.g. Reader) or role definition GUID')
    .option('--description <text>', 'why the assignment exists')
    .option('--name <guid>', 'assignment name (default: a new GUID)')
    .action(async (o: ScopeOptions & { assignee: string; role: string; description?: string; name?: string }) => {
      const client = clientFor(o);
      const scope = scopeOf(client, o);
      const principalId = await resolveAssignee(client, o.assignee);
      const role = await resolveRole(client, o.role, scope);
      const name = o.name ?? randomUUID();
      if (!isGuid(name)) throw new CliError(`--name must be a GUID, not '${name}'`, 2);
      const body = {
        properties: {
          roleDefinitionId: role.id,
          principalId,
          ...(o.description ? { description: o.description } : {}),
        },
      };
      const a = await client.request<RoleAssignmentWire>(
        'PUT',
        `${under(scope, `${RA_PATH}/${name}`)}?${AUTHORIZATION_API}`,
        body,
      );
      await printAssignments(client, o, a, [a]);
    });
}

/** The server's $filter for the list flags: a principal's assignments, or only those at and above the scope. */
function listFilter(principalId: string | undefined, atScope: boolean): string {
  const terms = [...(atScope ? ['atScope()'] : []), ...(principalId ? [`principalId eq '${principalId}'`] : [])];
  return terms.length === 0 ? '' : `&$filter=${encodeURIComponent(terms.join(' and '))}`;
}

function listCommand(): Command {
  return scoped('list', 'List role assignments at, above and below a scope.')
    .option('--assignee <id>', "only this principal's (object id or client id)")
    .option('--role <role>', 'only this role (name or GUID)')
    .option('--at-scope', 'only assignments at the scope and inherited from above it, not below')
    .action(async (o: ScopeOptions & { assignee?: string; role?: string; atScope?: boolean }) => {
      const client = clientFor(o);
      const scope = scopeOf(client, o);
      const principalId = o.assignee ? await resolveAssignee(client, o.assignee) : undefined;
      const roleGuid = o.role ? (await resolveRole(client, o.role, scope)).name.toLowerCase() : undefined;
      const { value } = await listAll<RoleAssignmentWire>(
        client,
        `${under(scope, RA_PATH)}?${AUTHORIZATION_API}${listFilter(principalId, !!o.atScope)}`,
      );
      const rows = roleGuid ? value.filter((a) => guidOf(a.properties.roleDefinitionId) === roleGuid) : value;
      await printAssignments(client, o, rows, rows);
    });
}

/** Assignment ids to delete: `--ids` as given, or those of the principal and role exactly at the scope. */
async function targets(
  client: ArmClient,
  o: ScopeOptions & { ids?: string[]; assignee?: string; role?: string },
): Promise<string[]> {
  if (o.ids?.length) return o.ids;
  if (!o.assignee || !o.role) throw new CliError('give --ids, or --assignee and --role (with --scope or -g)', 2);
  const scope = scopeOf(client, o);
  const principalId = await resolveAssignee(client, o.assignee);
  const roleGuid = (await resolveRole(client, o.role, scope)).name.toLowerCase();
  const { value } = await listAll<RoleAssignmentWire>(
    client,
    `${under(scope, RA_PATH)}?${AUTHORIZATION_API}${listFilter(principalId, true)}`,
  );
  const exact = (s: string) =>
    s.replace(/\/+$/, '').toLowerCase() === decodeURIComponent(scope).replace(/\/+$/, '').toLowerCase();
  return value
    .filter((a) => exact(a.properties.scope) && guidOf(a.properties.roleDefinitionId) === roleGuid)
    .map((a) => a.id);
}

function deleteCommand(): Command {
  return scoped('delete', 'Delete role assignments, by id or by principal, role and scope.')
    .option('--ids <id...>', 'full assignment ids')
    .option('--assignee <id>', 'object id or client id of the principal')
    .option('--role <role>', 'role name or GUID')
    .action(async (o: ScopeOptions & { ids?: string[]; assignee?: string; role?: string }) => {
      const client = clientFor(o);
      const deleted: string[] = [];
      for (const id of await targets(client, o)) {
        const r = await client.call('DELETE', `${id.startsWith('/') ? id : `/${id}`}?${AUTHORIZATION_API}`);
        if (r.status === 200) deleted.push(id);
      }
      if (o.output === 'json') process.stdout.write(`${JSON.stringify({ deleted })}\n`);
      else
        process.stdout.write(
          deleted.length ? deleted.map((id) => `deleted ${id}\n`).join('') : 'no matching role assignment\n',
        );
    });
}

/** `openmi role assignment …` and `openmi role definition …`: Azure RBAC over the ARM wire. */
export function roleCommand(): Command {
  const assignment = new Command('assignment')
    .description('Role assignments: who holds which role at which scope.')
    .addCommand(createCommand())
    .addCommand(listCommand())
    .addCommand(deleteCommand());
  return new Command('role')
    .description('Role-based access control (Microsoft.Authorization).')
    .addCommand(assignment)
    .addCommand(roleDefinitionCommand())
    .addCommand(roleExplainCommand());
}
