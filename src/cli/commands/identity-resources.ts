import { Command } from 'commander';
import { listAll } from '../../client/arm-client.js';
import { ASSOCIATED_API_VERSION, identityId } from '../arm-paths.js';
import { clientFor, positiveInt, withClientOptions, type ClientOptions } from '../command-kit.js';
import { print, type Column } from '../output.js';
import type { AssociatedResourceWire } from '../../wire/identities.js';

interface Options extends ClientOptions {
  resourceGroup: string;
  name: string;
  filter?: string;
  orderby?: string;
  top?: number;
}

const COLUMNS: Column<AssociatedResourceWire>[] = [
  { header: 'name', get: (r) => r.name },
  { header: 'type', get: (r) => r.type },
  { header: 'resourceGroup', get: (r) => r.resourceGroup },
];

/** `$` is left literal in parameter names, as the Azure SDKs send them; values are percent-encoded. */
function actionPath(o: Options, sub: string): string {
  const q = [`api-version=${ASSOCIATED_API_VERSION}`];
  if (o.filter !== undefined) q.push(`$filter=${encodeURIComponent(o.filter)}`);
  if (o.orderby !== undefined) q.push(`$orderby=${encodeURIComponent(o.orderby)}`);
  if (o.top !== undefined) q.push(`$top=${o.top}`);
  return `${identityId(sub, o.resourceGroup, o.name)}/listAssociatedResources?${q.join('&')}`;
}

export function listResourcesCommand(): Command {
  return withClientOptions(
    new Command('list-resources')
      .description('List the Azure resources a user-assigned identity is assigned to (listAssociatedResources).')
      .requiredOption('-g, --resource-group <name>', 'resource group of the identity')
      .requiredOption('-n, --name <name>', 'identity name')
      .option('--filter <odata>', 'OData filter, e.g. "type eq \'Microsoft.Compute/virtualMachines\'"')
      .option('--orderby <odata>', 'sort order, e.g. "name desc"')
      .option('--top <n>', 'page size the server uses (all pages are fetched)', positiveInt),
  ).action(async (o: Options) => {
    const client = clientFor(o);
    const { value, pages } = await listAll<AssociatedResourceWire>(
      client,
      actionPath(o, client.subscriptionId),
      'POST',
    );
    const totalCount = typeof pages[0]?.['totalCount'] === 'number' ? pages[0]['totalCount'] : value.length;
    print(o.output, { value, totalCount }, value, COLUMNS);
  });
}
