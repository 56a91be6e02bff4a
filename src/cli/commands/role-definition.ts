import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { listAll } from '../../client/arm-client.js';
import { CliError } from '../cli-error.js';
import { clientFor, parseJsonObject, withClientOptions, type ClientOptions } from '../command-kit.js';
import { print, type Column } from '../output.js';
import { AUTHORIZATION_API, isGuid, RD_PATH, resolveRole, scopeOf, under } from '../role-resolve.js';
import type { RoleDefinitionWire } from '../../wire/authorization.js';

interface ScopeOptions extends ClientOptions {
  scope?: string;
}

const COLUMNS: Column<RoleDefinitionWire>[] = [
  { header: 'roleName', get: (d) => d.properties.roleName },
  { header: 'type', get: (d) => d.properties.type },
  { header: 'name', get: (d) => d.name },
  { header: 'assignableScopes', get: (d) => d.properties.assignableScopes.join(',') },
];

function scoped(verb: string, description: string): Command {
  return withClientOptions(new Command(verb).description(description)).option(
    '--scope <scope>',
    'scope to look from (default: the subscription)',
  );
}

/** `@file.json` or inline JSON, as `az role definition create --role-definition` takes it. */
function readDefinition(arg: string): Record<string, unknown> {
  if (!arg.startsWith('@')) return parseJsonObject(arg, '--role-definition');
  try {
    return parseJsonObject(readFileSync(arg.slice(1), 'utf8'), `--role-definition ${arg}`);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw new CliError(`cannot read ${arg.slice(1)}: ${(e as Error).message}`, 2);
  }
}

/** az's keys (Name, Actions, AssignableScopes …) in any casing, turned into the ARM body. */
export function definitionBody(def: Record<string, unknown>): { id: string | undefined; body: unknown } {
  const get = (key: string) => Object.entries(def).find(([k]) => k.toLowerCase() === key.toLowerCase())?.[1];
  const list = (key: string) => (get(key) ?? []) as unknown[];
  const name = get('Name') ?? get('roleName');
  if (typeof name !== 'string' || name === '') throw new CliError("the role definition needs a 'Name'", 2);
  const scopes = list('AssignableScopes');
  if (scopes.length === 0)
    throw new CliError('the role definition needs \'AssignableScopes\', e.g. ["/subscriptions/{id}"]', 2);
  const permission = {
    actions: list('Actions'),
    notActions: list('NotActions'),
    dataActions: list('DataActions'),
    notDataActions: list('NotDataActions'),
  };
  const id = get('Id');
  return {
    id: typeof id === 'string' && id !== '' ? id.slice(id.lastIndexOf('/') + 1) : undefined,
    body: {
      properties: {
        roleName: name,
        description: get('Description') ?? '',
        type: 'CustomRole',
        permissions: [permission],
        assignableScopes: scopes,
      },
    },
  };
}

function listCommand(): Command {
  return scoped('list', 'List the roles usable at a scope.')
    .option('--name <roleName>', 'only the role with this name')
    .option('--custom-role-only', 'only custom roles')
    .action(async (o: ScopeOptions & { name?: string; customRoleOnly?: boolean }) => {
      const client = clientFor(o);
      const terms = [
        ...(o.name ? [`roleName eq '${o.name.replace(/'/g, "''")}'`] : []),
        ...(o.customRoleOnly ? ["type eq 'CustomRole'"] : []),
      ];
      const filter = terms.length ? `&$filter=${encodeURIComponent(terms.join(' and '))}` : '';
      const { value } = await listAll<RoleDefinitionWire>(
        client,
        `${under(scopeOf(client, o), RD_PATH)}?${AUTHORIZATION_API}${filter}`,
      );
      print(o.output, value, value, COLUMNS);
    });
}

function showCommand(): Command {
  return scoped('show', 'Show one role by name or GUID.')
    .requiredOption('--name <role>', 'role name or GUID')
    .action(async (o: ScopeOptions & { name: string }) => {
      const client = clientFor(o);
      const d = await resolveRole(client, o.name, scopeOf(client, o));
      print(o.output, d, [d], COLUMNS);
    });
}

function writeCommand(verb: 'create' | 'update'): Command {
  const what = verb === 'create' ? 'Create a custom role' : "Update a custom role (found by its 'Id' or 'Name')";
  return scoped(
    verb,
    `${what} from az's JSON: Name, Description, Actions, NotActions, DataActions, NotDataActions, AssignableScopes.`,
  )
    .requiredOption('--role-definition <json>', 'the role as inline JSON or @file.json')
    .action(async (o: ScopeOptions & { roleDefinition: string }) => {
      const client = clientFor(o);
      const { id, body } = definitionBody(readDefinition(o.roleDefinition));
      const scope = scopeOf(client, o);
      const name = (body as { properties: { roleName: string } }).properties.roleName;
      const guid = id ?? (verb === 'update' ? (await resolveRole(client, name, scope)).name : randomUUID());
      if (!isGuid(guid)) throw new CliError(`the role's Id must be a GUID, not '${guid}'`, 2);
      const d = await client.request<RoleDefinitionWire>(
        'PUT',
        `${under(scope, `${RD_PATH}/${guid}`)}?${AUTHORIZATION_API}`,
        body,
      );
      print(o.output, d, [d], COLUMNS);
    });
}

function deleteCommand(): Command {
  return scoped('delete', 'Delete a custom role (refused while assignments use it).')
    .requiredOption('--name <role>', 'role name or GUID')
    .action(async (o: ScopeOptions & { name: string }) => {
      const client = clientFor(o);
      const scope = scopeOf(client, o);
      const guid = isGuid(o.name) ? o.name : (await resolveRole(client, o.name, scope)).name;
      const r = await client.call('DELETE', `${under(scope, `${RD_PATH}/${guid}`)}?${AUTHORIZATION_API}`);
      const deleted = r.status === 200;
      if (o.output === 'json') process.stdout.write(`${JSON.stringify({ deleted })}\n`);
      else process.stdout.write(deleted ? `deleted role ${o.name}\n` : `role ${o.name} did not exist\n`);
    });
}

export function roleDefinitionCommand(): Command {
  return new Command('definition')
    .description('Role definitions: built-in roles and your custom roles.')
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(writeCommand('create'))
    .addCommand(writeCommand('update'))
    .addCommand(deleteCommand());
}
