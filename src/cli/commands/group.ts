import { Command } from 'commander';
import { listAll } from '../../client/arm-client.js';
import { clientFor, parseTags, withClientOptions, type ClientOptions } from '../command-kit.js';
import { print, type Column } from '../output.js';
import type { ResourceGroupWire } from '../../wire/resources.js';

const API = 'api-version=2025-04-01';
const COLUMNS: Column<ResourceGroupWire>[] = [
  { header: 'name', get: (g) => g.name },
  { header: 'location', get: (g) => g.location },
];
const pathOf = (sub: string, name: string) => `/subscriptions/${sub}/resourceGroups/${encodeURIComponent(name)}?${API}`;

/** `openmi group create|list|delete`: resource groups, which identities and resources live in. */
export function groupCommand(): Command {
  const create = withClientOptions(new Command('create').description('Create (or update) a resource group.'))
    .requiredOption('-n, --name <name>', 'resource group name')
    .option('-l, --location <location>', 'location', 'local')
    .option('--tags <tags...>', 'tags as name=value')
    .action(async (o: ClientOptions & { name: string; location: string; tags?: string[] }) => {
      const client = clientFor(o);
      const tags = parseTags(o.tags);
      const g = await client.request<ResourceGroupWire>('PUT', pathOf(client.subscriptionId, o.name), {
        location: o.location,
        ...(tags ? { tags } : {}),
      });
      print(o.output, g, [g], COLUMNS);
    });
  const list = withClientOptions(new Command('list').description('List resource groups.')).action(
    async (o: ClientOptions) => {
      const client = clientFor(o);
      const { value } = await listAll<ResourceGroupWire>(
        client,
        `/subscriptions/${client.subscriptionId}/resourceGroups?${API}`,
      );
      print(o.output, value, value, COLUMNS);
    },
  );
  const del = withClientOptions(new Command('delete').description('Delete a resource group and everything in it.'))
    .requiredOption('-n, --name <name>', 'resource group name')
    .action(async (o: ClientOptions & { name: string }) => {
      const client = clientFor(o);
      const r = await client.call('DELETE', pathOf(client.subscriptionId, o.name));
      process.stdout.write(
        o.output === 'json'
          ? `${JSON.stringify({ deleted: r.status === 200 })}\n`
          : r.status === 200
            ? `deleted ${o.name}\n`
            : `${o.name} did not exist\n`,
      );
    });
  return new Command('group').description('Resource groups.').addCommand(create).addCommand(list).addCommand(del);
}
