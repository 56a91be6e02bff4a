import { Command } from 'commander';
import { listAll } from '../../client/arm-client.js';
import { resourceGroupOf, withApiVersion } from '../arm-paths.js';
import { clientFor, parseJsonObject, parseTags, withClientOptions, type ClientOptions } from '../command-kit.js';
import { print, type Column } from '../output.js';
import { resourceCollectionPath, resourceType } from '../resource-types.js';
import { resourceLeaf, resourceUrl, typesHelp, type ResourceTarget } from '../resource-target.js';
import type { ComputeResourceWire } from '../../wire/resources.js';
import { resourceIdentityCommand } from './resource-identity.js';
import { joinTokenCommand } from './join-token.js';

const COLUMNS: Column<ComputeResourceWire>[] = [
  { header: 'name', get: (r) => r.name },
  { header: 'type', get: (r) => r.type },
  { header: 'resourceGroup', get: (r) => resourceGroupOf(r.id) },
  { header: 'location', get: (r) => r.location },
  { header: 'identity', get: (r) => r.identity?.type ?? 'None' },
];

const TYPES_HELP = typesHelp();

const printOne = (o: ClientOptions, r: ComputeResourceWire) => print(o.output, r, [r], COLUMNS);

function createCommand(): Command {
  return resourceLeaf('create', 'Create (or replace) a compute resource that can hold managed identities.')
    .option('-l, --location <location>', 'location', 'local')
    .option('--tags <tags...>', 'tags as name=value')
    .option('--properties <json>', 'the resource properties, as a JSON object')
    .action(async (o: ResourceTarget & { location: string; tags?: string[]; properties?: string }) => {
      const client = clientFor(o);
      const tags = parseTags(o.tags);
      const body = {
        location: o.location,
        ...(tags ? { tags } : {}),
        properties: o.properties === undefined ? {} : parseJsonObject(o.properties, '--properties'),
      };
      printOne(o, await client.request<ComputeResourceWire>('PUT', resourceUrl(o, client.subscriptionId), body));
    });
}

function showCommand(): Command {
  return resourceLeaf('show', 'Show a compute resource.').action(async (o: ResourceTarget) => {
    const client = clientFor(o);
    printOne(o, await client.request<ComputeResourceWire>('GET', resourceUrl(o, client.subscriptionId)));
  });
}

function listCommand(): Command {
  return withClientOptions(
    new Command('list').description('List compute resources of one type in the subscription or one resource group.'),
  )
    .requiredOption('--type <type>', TYPES_HELP)
    .option('-g, --resource-group <name>', 'only this resource group')
    .action(async (o: ClientOptions & { type: string; resourceGroup?: string }) => {
      const t = resourceType(o.type);
      const client = clientFor(o);
      const path = withApiVersion(resourceCollectionPath(client.subscriptionId, t.type, o.resourceGroup), t.apiVersion);
      const { value } = await listAll<ComputeResourceWire>(client, path);
      print(o.output, value, value, COLUMNS);
    });
}

function deleteCommand(): Command {
  return resourceLeaf('delete', 'Delete a compute resource.').action(async (o: ResourceTarget) => {
    const client = clientFor(o);
    const { status } = await client.call('DELETE', resourceUrl(o, client.subscriptionId));
    const deleted = status !== 204;
    if (o.output === 'json') process.stdout.write(`${JSON.stringify({ deleted })}\n`);
    else process.stdout.write(deleted ? `deleted ${o.name}\n` : `${o.name} did not exist\n`);
  });
}

export function resourceCommand(): Command {
  return new Command('resource')
    .description('Manage the compute resources (VMs, web apps, containers…) that managed identities attach to.')
    .addCommand(createCommand())
    .addCommand(showCommand())
    .addCommand(listCommand())
    .addCommand(deleteCommand())
    .addCommand(resourceIdentityCommand())
    .addCommand(joinTokenCommand());
}
