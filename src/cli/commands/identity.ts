import { Command, Option } from 'commander';
import { listAll, type ArmClient } from '../../client/arm-client.js';
import {
  IDENTITY_API_VERSION,
  identityCollectionPath,
  identityId,
  resourceGroupOf,
  withApiVersion,
} from '../arm-paths.js';
import { clientFor, parseTags, withClientOptions, type ClientOptions } from '../command-kit.js';
import { print, type Column } from '../output.js';
import type { IdentityWire } from '../../wire/identities.js';
import { federatedCredentialCommand } from './federated-credential.js';
import { listResourcesCommand } from './identity-resources.js';
import { impactCommand, unusedCommand, usageCommand } from './identity-usage.js';
import { accessReviewCommand } from './access-review.js';

interface Named extends ClientOptions {
  resourceGroup: string;
  name: string;
}

export const IDENTITY_COLUMNS: Column<IdentityWire>[] = [
  { header: 'name', get: (r) => r.name },
  { header: 'resourceGroup', get: (r) => resourceGroupOf(r.id) },
  { header: 'location', get: (r) => r.location },
  { header: 'clientId', get: (r) => r.properties?.clientId },
  { header: 'principalId', get: (r) => r.properties?.principalId },
];

/** A leaf command with the shared client options plus the resource group and name of one identity. */
function named(verb: string, description: string): Command {
  return withClientOptions(
    new Command(verb)
      .description(description)
      .requiredOption('-g, --resource-group <name>', 'resource group')
      .requiredOption('-n, --name <name>', 'identity name'),
  );
}

const pathOf = (o: Named, sub: string) =>
  withApiVersion(identityId(sub, o.resourceGroup, o.name), IDENTITY_API_VERSION);
const printOne = (o: ClientOptions, r: IdentityWire) => print(o.output, r, [r], IDENTITY_COLUMNS);

function createCommand(): Command {
  return named('create', 'Create (or replace) a user-assigned identity.')
    .option('-l, --location <location>', 'location', 'local')
    .option('--tags <tags...>', 'tags as name=value')
    .addOption(new Option('--isolation-scope <scope>', 'isolation scope').choices(['None', 'Regional']))
    .action(async (o: Named & { location: string; tags?: string[]; isolationScope?: string }) => {
      const client = clientFor(o);
      const tags = parseTags(o.tags);
      const body = {
        location: o.location,
        ...(tags ? { tags } : {}),
        ...(o.isolationScope ? { properties: { isolationScope: o.isolationScope } } : {}),
      };
      printOne(o, await client.request<IdentityWire>('PUT', pathOf(o, client.subscriptionId), body));
    });
}

interface GroupRef {
  id: string;
  displayName: string;
}

/** The directory groups the identity's principal is in, directly and through nesting (docs/groups.md). */
async function groupsOf(
  client: ArmClient,
  principalId: string,
): Promise<{ direct: GroupRef[]; transitive: GroupRef[] }> {
  const get = async (rel: string) =>
    (
      (await client.request<{ value?: GroupRef[] }>('GET', `/v1.0/servicePrincipals/${principalId}/${rel}`))?.value ??
      []
    ).map((g) => ({ id: g.id, displayName: g.displayName }));
  const [direct, transitive] = await Promise.all([get('memberOf'), get('transitiveMemberOf')]);
  return { direct, transitive };
}

function showCommand(): Command {
  return named('show', 'Show a user-assigned identity and the directory groups it is in.').action(async (o: Named) => {
    const client = clientFor(o);
    const r = await client.request<IdentityWire>('GET', pathOf(o, client.subscriptionId));
    const principalId = r.properties?.principalId;
    const groups = principalId ? await groupsOf(client, principalId) : { direct: [], transitive: [] };
    if (o.output === 'json') return print(o.output, { ...r, groups }, [r], IDENTITY_COLUMNS);
    printOne(o, r);
    const direct = new Set(groups.direct.map((g) => g.id));
    for (const g of groups.transitive)
      process.stdout.write(`group: ${g.displayName} (${g.id})${direct.has(g.id) ? '' : ' [through a nested group]'}\n`);
  });
}

function listCommand(): Command {
  return withClientOptions(
    new Command('list').description('List user-assigned identities in the subscription or one resource group.'),
  )
    .option('-g, --resource-group <name>', 'only this resource group')
    .action(async (o: ClientOptions & { resourceGroup?: string }) => {
      const client = clientFor(o);
      const path = withApiVersion(identityCollectionPath(client.subscriptionId, o.resourceGroup), IDENTITY_API_VERSION);
      const { value } = await listAll<IdentityWire>(client, path);
      print(o.output, value, value, IDENTITY_COLUMNS);
    });
}

function updateCommand(): Command {
  return named('update', "Replace an identity's tags (--tags '' removes them all).")
    .requiredOption('--tags <tags...>', 'tags as name=value')
    .action(async (o: Named & { tags: string[] }) => {
      const client = clientFor(o);
      printOne(
        o,
        await client.request<IdentityWire>('PATCH', pathOf(o, client.subscriptionId), { tags: parseTags(o.tags) }),
      );
    });
}

function deleteCommand(): Command {
  return named('delete', 'Delete a user-assigned identity.').action(async (o: Named) => {
    const client = clientFor(o);
    const { status } = await client.call('DELETE', pathOf(o, client.subscriptionId));
    const deleted = status !== 204;
    if (o.output === 'json') process.stdout.write(`${JSON.stringify({ deleted })}\n`);
    else process.stdout.write(deleted ? `deleted identity ${o.name}\n` : `identity ${o.name} did not exist\n`);
  });
}

export function identityCommand(): Command {
  return new Command('identity')
    .description('Manage user-assigned managed identities over the ARM API.')
    .addCommand(createCommand())
    .addCommand(showCommand())
    .addCommand(listCommand())
    .addCommand(updateCommand())
    .addCommand(deleteCommand())
    .addCommand(listResourcesCommand())
    .addCommand(usageCommand())
    .addCommand(unusedCommand())
    .addCommand(impactCommand())
    .addCommand(accessReviewCommand())
    .addCommand(federatedCredentialCommand());
}
