import { Command } from 'commander';
import { listAll } from '../../client/arm-client.js';
import { clientFor, withClientOptions, type ClientOptions } from '../command-kit.js';
import { print } from '../output.js';
import type { ActivityEventWire } from '../../wire/activity-log.js';

interface ActivityOptions extends ClientOptions {
  from?: string;
  to?: string;
  resourceGroup?: string;
  resource?: string;
  correlationId?: string;
  caller?: string;
  directory?: boolean;
}

const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;

/** The same `$filter` `az monitor activity-log list` sends, so the server sees one syntax. */
export function activityFilter(o: ActivityOptions): string {
  const terms: string[] = [];
  if (o.from) terms.push(`eventTimestamp ge ${quote(o.from)}`);
  if (o.to) terms.push(`eventTimestamp le ${quote(o.to)}`);
  if (o.resourceGroup) terms.push(`resourceGroupName eq ${quote(o.resourceGroup)}`);
  if (o.resource) terms.push(`resourceUri eq ${quote(o.resource)}`);
  if (o.correlationId) terms.push(`correlationId eq ${quote(o.correlationId)}`);
  if (o.caller) terms.push(`caller eq ${quote(o.caller)}`);
  return terms.length ? `&$filter=${encodeURIComponent(terms.join(' and '))}` : '';
}

/** `openmi activity list`: the subscription's activity log (control-plane writes), newest first. */
export function activityCommand(): Command {
  const list = withClientOptions(
    new Command('list').description('List control-plane writes (the activity log), newest first.'),
  )
    .option('--from <time>', 'only events at or after this ISO time')
    .option('--to <time>', 'only events at or before this ISO time')
    .option('-g, --resource-group <name>', 'only events in this resource group')
    .option('--resource <id>', 'only events on this resource id')
    .option('--correlation-id <id>', 'only events of this request')
    .option('--caller <objectId>', 'only events by this principal')
    .option('--directory', 'the tenant-scoped events instead: directory groups and memberships, assignments at /')
    .action(async (o: ActivityOptions) => {
      const client = clientFor(o);
      // Tenant-scoped events have no subscription (docs/groups.md); Azure lists them at tenant scope.
      const scope = o.directory ? '' : `/subscriptions/${client.subscriptionId}`;
      const path = `${scope}/providers/Microsoft.Insights/eventtypes/management/values?api-version=2015-04-01${activityFilter(o)}`;
      const { value } = await listAll<ActivityEventWire>(client, path);
      print(o.output, value, value, [
        { header: 'time', get: (e) => e.eventTimestamp },
        { header: 'operation', get: (e) => e.operationName?.value },
        { header: 'status', get: (e) => e.status?.value },
        { header: 'caller', get: (e) => e.caller },
        { header: 'resource', get: (e) => e.resourceId },
      ]);
    });
  return new Command('activity')
    .description('The activity log: who changed what, when, and whether it succeeded.')
    .addCommand(list);
}
