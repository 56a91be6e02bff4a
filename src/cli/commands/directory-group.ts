import { Command } from 'commander';
import type { ArmClient } from '../../client/arm-client.js';
import { clientFor, withClientOptions, type ClientOptions } from '../command-kit.js';
import { print, type Column } from '../output.js';
import { groupAccessReviewCommand } from './group-access-review.js';
import { groupImpactCommand } from './directory-group-impact.js';

/** The properties of a Graph group and of a member (service principal or group) the CLI shows. */
interface DirectoryObject {
  '@odata.type'?: string;
  id: string;
  displayName: string;
  mailNickname?: string;
  description?: string | null;
  appId?: string;
  servicePrincipalType?: string;
}

interface GraphPage {
  value?: DirectoryObject[];
  '@odata.nextLink'?: string;
}

const GROUP_COLUMNS: Column<DirectoryObject>[] = [
  { header: 'displayName', get: (g) => g.displayName },
  { header: 'id', get: (g) => g.id },
  { header: 'description', get: (g) => g.description ?? '' },
];
const MEMBER_COLUMNS: Column<DirectoryObject>[] = [
  { header: 'type', get: (m) => (m['@odata.type'] ?? '').replace('#microsoft.graph.', '') },
  { header: 'displayName', get: (m) => m.displayName },
  { header: 'id', get: (m) => m.id },
  { header: 'appId', get: (m) => m.appId ?? '' },
];

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;

/** Every item of a Graph collection, following `@odata.nextLink`. */
async function graphList(client: ArmClient, path: string): Promise<DirectoryObject[]> {
  const out: DirectoryObject[] = [];
  for (let next: string | undefined = path, n = 0; next !== undefined && n < 100_000; n++) {
    const page: GraphPage = (await client.request<GraphPage>('GET', next)) ?? {};
    for (const v of page.value ?? []) out.push(v);
    next = page['@odata.nextLink'];
  }
  return out;
}

/** A group named by object id or by its exact display name (which must then be unique). */
export async function resolveGroup(client: ArmClient, group: string): Promise<string> {
  if (GUID.test(group)) return group;
  const found = await graphList(client, `/v1.0/groups?$filter=${encodeURIComponent(`displayName eq ${quote(group)}`)}`);
  if (found.length === 1) return found[0]!.id;
  throw new Error(
    found.length === 0
      ? `no directory group is named '${group}'; list them with 'openmi directory-group list'`
      : `${found.length} directory groups are named '${group}'; name one by its id (${found.map((g) => g.id).join(', ')})`,
  );
}

export const withGroup = (c: Command) =>
  withClientOptions(c).requiredOption('-g, --group <idOrName>', 'group id or display name');

function createCommand(): Command {
  return withClientOptions(new Command('create').description('Create a security group in the directory.'))
    .requiredOption('-n, --name <displayName>', 'display name')
    .option('--mail-nickname <nickname>', 'mail nickname (defaults to the name without spaces)')
    .option('--description <text>', 'description')
    .action(async (o: ClientOptions & { name: string; mailNickname?: string; description?: string }) => {
      const g = await clientFor(o).request<DirectoryObject>('POST', '/v1.0/groups', {
        displayName: o.name,
        mailNickname: o.mailNickname ?? o.name.replace(/[^!#-'*+\-./0-9=?A-Z^_`a-z{|}~]/g, ''),
        mailEnabled: false,
        securityEnabled: true,
        ...(o.description ? { description: o.description } : {}),
      });
      print(o.output, g, [g], GROUP_COLUMNS);
    });
}

function listCommand(): Command {
  return withClientOptions(new Command('list').description('List directory groups.'))
    .option('--prefix <text>', 'only groups whose display name starts with this')
    .action(async (o: ClientOptions & { prefix?: string }) => {
      const filter = o.prefix ? `?$filter=${encodeURIComponent(`startswith(displayName,${quote(o.prefix)})`)}` : '';
      const value = await graphList(clientFor(o), `/v1.0/groups${filter}`);
      print(o.output, value, value, GROUP_COLUMNS);
    });
}

function showCommand(): Command {
  return withGroup(new Command('show').description('Show a directory group.')).action(
    async (o: ClientOptions & { group: string }) => {
      const client = clientFor(o);
      const g = await client.request<DirectoryObject>('GET', `/v1.0/groups/${await resolveGroup(client, o.group)}`);
      print(o.output, g, [g], GROUP_COLUMNS);
    },
  );
}

function deleteCommand(): Command {
  return withGroup(
    new Command('delete').description('Delete a directory group, its memberships and its role assignments.'),
  ).action(async (o: ClientOptions & { group: string }) => {
    const client = clientFor(o);
    const id = await resolveGroup(client, o.group);
    await client.request('DELETE', `/v1.0/groups/${id}`);
    process.stdout.write(o.output === 'json' ? `${JSON.stringify({ deleted: id })}\n` : `deleted ${id}\n`);
  });
}

function memberCommand(): Command {
  const member = (verb: string, what: string) =>
    withGroup(new Command(verb).description(what)).requiredOption(
      '--member-id <objectId>',
      "the member's object id: a managed identity's principalId, or a group id",
    );
  const add = member('add', 'Add a service principal or a group to a group.').action(
    async (o: ClientOptions & { group: string; memberId: string }) => {
      const client = clientFor(o);
      const id = await resolveGroup(client, o.group);
      await client.request('POST', `/v1.0/groups/${id}/members/$ref`, {
        '@odata.id': `https://graph.microsoft.com/v1.0/directoryObjects/${o.memberId}`,
      });
      process.stdout.write(`added ${o.memberId} to ${id}\n`);
    },
  );
  const remove = member('remove', 'Remove a direct member from a group.').action(
    async (o: ClientOptions & { group: string; memberId: string }) => {
      const client = clientFor(o);
      const id = await resolveGroup(client, o.group);
      await client.request('DELETE', `/v1.0/groups/${id}/members/${encodeURIComponent(o.memberId)}/$ref`);
      process.stdout.write(`removed ${o.memberId} from ${id}\n`);
    },
  );
  const list = withGroup(new Command('list').description('List the members of a group.'))
    .option('--transitive', 'include the members of nested groups')
    .action(async (o: ClientOptions & { group: string; transitive?: boolean }) => {
      const client = clientFor(o);
      const id = await resolveGroup(client, o.group);
      const value = await graphList(client, `/v1.0/groups/${id}/${o.transitive ? 'transitiveMembers' : 'members'}`);
      print(o.output, value, value, MEMBER_COLUMNS);
    });
  return new Command('member')
    .description('Members of a directory group.')
    .addCommand(add)
    .addCommand(remove)
    .addCommand(list);
}

/**
 * `openmi directory-group …`: security groups of the directory (Microsoft Graph groups). Not
 * `openmi group`, which means resource groups, as `az group` does (docs/groups.md).
 */
export function directoryGroupCommand(): Command {
  return new Command('directory-group')
    .description('Security groups of the directory: managed identities as members, roles through groups.')
    .addCommand(createCommand())
    .addCommand(listCommand())
    .addCommand(showCommand())
    .addCommand(deleteCommand())
    .addCommand(memberCommand())
    .addCommand(groupImpactCommand())
    .addCommand(groupAccessReviewCommand());
}
