import { Command } from 'commander';
import type { ArmClient } from '../../client/arm-client.js';
import type {
  CallerUsage,
  IdentityImpact,
  IdentityUsage,
  ImpactedResource,
  MembershipImpact,
  UnusedIdentity,
} from '../../wire/usage.js';
import { identityId, nameOf } from '../arm-paths.js';
import { clientFor, positiveInt, withClientOptions, type ClientOptions } from '../command-kit.js';
import { print, renderTable, type Column } from '../output.js';

const API = 'api-version=2025-01-01';
const NS = 'providers/OpenMI.Audit';

interface Named extends ClientOptions {
  resourceGroup: string;
  name: string;
}

const USAGE_COLUMNS: Column<CallerUsage>[] = [
  { header: 'callingResource', get: (u) => u.callingResourceId },
  { header: 'firstUse', get: (u) => u.firstUse },
  { header: 'lastUse', get: (u) => u.lastUse },
  { header: 'successes', get: (u) => u.successes },
  { header: 'failures', get: (u) => u.failures },
];

const UNUSED_COLUMNS: Column<UnusedIdentity>[] = [
  { header: 'name', get: (i) => i.name },
  { header: 'resourceGroup', get: (i) => i.resourceGroup },
  { header: 'lastUse', get: (i) => i.lastUse ?? 'never' },
  { header: 'resources', get: (i) => i.resources.map(nameOf).join(',') },
];

const IMPACT_COLUMNS: Column<ImpactedResource>[] = [
  { header: 'resource', get: (r) => r.id },
  { header: 'lastUse', get: (r) => r.lastUse ?? 'never' },
];

function named(verb: string, description: string): Command {
  return withClientOptions(
    new Command(verb)
      .description(description)
      .requiredOption('-g, --resource-group <name>', 'resource group of the identity')
      .requiredOption('-n, --name <name>', 'identity name'),
  );
}

/** Table mode prints the dependants as short sections, then the token use per calling resource. */
function printUsage(o: ClientOptions, u: IdentityUsage): void {
  if (o.output === 'json') return print('json', u, [], USAGE_COLUMNS);
  const lines = [
    `identity: ${u.identityId}`,
    `resources: ${u.resources.join(', ') || '(none)'}`,
    `roleAssignments: ${u.roleAssignments.map((a) => `${nameOf(a.roleDefinitionId)} at ${a.scope}`).join('; ') || '(none)'}`,
    `federatedCredentials: ${u.federatedCredentials.map((f) => `${f.name} (${f.issuer} ${f.subject})`).join('; ') || '(none)'}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n\n${renderTable(u.usage, USAGE_COLUMNS)}`);
}

export function usageCommand(): Command {
  return named(
    'usage',
    'Show what carries an identity, its role assignments and federated credentials, and token use per calling resource.',
  ).action(async (o: Named) => {
    const client = clientFor(o);
    printUsage(
      o,
      await client.request<IdentityUsage>(
        'GET',
        `${identityId(client.subscriptionId, o.resourceGroup, o.name)}/${NS}/usage?${API}`,
      ),
    );
  });
}

export function unusedCommand(): Command {
  return withClientOptions(
    new Command('unused').description(
      'List user-assigned identities with no successful token request in the last N days.',
    ),
  )
    .requiredOption('--days <n>', 'days without a successful token request', positiveInt)
    .action(async (o: ClientOptions & { days: number }) => {
      const client = clientFor(o);
      const r = await client.request<{ value: UnusedIdentity[] }>(
        'GET',
        `/subscriptions/${client.subscriptionId}/${NS}/unusedIdentities?${API}&days=${o.days}`,
      );
      print(o.output, r.value, r.value, UNUSED_COLUMNS);
    });
}

export function impactCommand(): Command {
  return named(
    'impact',
    'List the resources whose workloads would lose access if the identity (or one of its role assignments) were removed.',
  )
    .option('--role-assignment <id>', 'role assignment id or name (GUID) of the identity')
    .option('--leave-group <groupId>', 'what the identity would lose if it left this directory group')
    .action(async (o: Named & { roleAssignment?: string; leaveGroup?: string }) => {
      const client = clientFor(o);
      if (o.leaveGroup) return leaveGroupImpact(client, o, o.leaveGroup);
      const ra = o.roleAssignment ? `&roleAssignmentId=${encodeURIComponent(o.roleAssignment)}` : '';
      const r = await client.request<IdentityImpact>(
        'GET',
        `${identityId(client.subscriptionId, o.resourceGroup, o.name)}/${NS}/impact?${API}${ra}`,
      );
      if (o.output === 'table' && r.roleAssignment)
        process.stdout.write(
          `role assignment ${r.roleAssignment.id} grants ${nameOf(r.roleAssignment.roleDefinitionId)} at ${r.roleAssignment.scope}\n`,
        );
      print(o.output, r, r.resources, IMPACT_COLUMNS);
    });
}

/** `impact --leave-group G`: the resources and calling resources that would lose access (docs/groups.md). */
async function leaveGroupImpact(client: ArmClient, o: Named, groupId: string): Promise<void> {
  const r = await client.request<MembershipImpact>(
    'GET',
    `${identityId(client.subscriptionId, o.resourceGroup, o.name)}/${NS}/impact?${API}&groupId=${encodeURIComponent(groupId)}`,
  );
  const rows = [
    ...r.resources.map((x) => ({ kind: 'resource', ...x })),
    ...r.callingResources.map((x) => ({ kind: 'calling resource', ...x })),
  ];
  print(o.output, r, rows, [
    { header: 'kind', get: (x) => x.kind },
    { header: 'id', get: (x) => x.id },
    { header: 'lastUse', get: (x) => x.lastUse ?? '' },
  ]);
}
