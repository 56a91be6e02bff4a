import { Command } from 'commander';
import type { ArmClient } from '../../client/arm-client.js';
import type { AssignmentImpact, MemberAssignmentImpact, MembershipImpact } from '../../wire/usage.js';
import { nameOf } from '../arm-paths.js';
import { CliError } from '../cli-error.js';
import { clientFor, type ClientOptions } from '../command-kit.js';
import { print } from '../output.js';
import { resolveGroup, withGroup } from './directory-group.js';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ROLE_ASSIGNMENTS = 'providers/Microsoft.Authorization/roleAssignments';

/** The full id of the group's assignment `assignment` (a full id, or its GUID name among the group's assignments). */
async function assignmentIdOf(client: ArmClient, groupId: string, assignment: string): Promise<string> {
  const filter = encodeURIComponent(`principalId eq '${groupId}'`);
  const found = await client.request<{ value?: { id: string; name: string }[] }>(
    'GET',
    `/subscriptions/${client.subscriptionId}/${ROLE_ASSIGNMENTS}?api-version=2022-04-01&$filter=${filter}`,
  );
  const mine = found?.value ?? [];
  const hit = mine.find((ra) =>
    GUID.test(assignment)
      ? ra.name.toLowerCase() === assignment.toLowerCase()
      : ra.id.toLowerCase() === assignment.toLowerCase(),
  );
  if (hit) return hit.id;
  const listed = mine.map((ra) => ra.id).join(', ') || 'none';
  throw new CliError(`the group has no role assignment '${assignment}' in this subscription (it has: ${listed})`, 1);
}

const lost = (m: MemberAssignmentImpact) =>
  [...m.lostActions, ...m.lostDataActions].join(' ') || `nothing (kept by ${m.keptBy.map((k) => k.id).join(', ')})`;

/** `--resource ID`: what the resource's system-assigned identity would lose if it left the group. */
async function leaveImpact(client: ArmClient, o: ClientOptions, groupId: string, resourceId: string): Promise<void> {
  const r = await client.request<MembershipImpact>(
    'GET',
    `${resourceId}/providers/Microsoft.ManagedIdentity/identities/default/providers/OpenMI.Audit/impact?api-version=2025-01-01&groupId=${encodeURIComponent(groupId)}`,
  );
  if (!r) throw new CliError(`no answer for ${resourceId}`, 1);
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

/** `--assignment R`: what every transitive member would lose if R were removed. */
async function assignmentImpact(client: ArmClient, o: ClientOptions, groupId: string, assignment: string) {
  const id = await assignmentIdOf(client, groupId, assignment);
  const r = await client.request<AssignmentImpact>('GET', `${id}/providers/OpenMI.Audit/impact?api-version=2025-01-01`);
  if (!r) throw new CliError(`no answer for ${id}`, 1);
  if (o.output === 'table') {
    const ra = r.roleAssignment;
    process.stdout.write(`removing ${ra.id} (${ra.roleName ?? nameOf(ra.roleDefinitionId)} at ${ra.scope}):\n`);
  }
  print(o.output, r, r.members, [
    { header: 'member', get: (m) => m.displayName ?? m.principalId },
    { header: 'principalId', get: (m) => m.principalId },
    { header: 'loses', get: lost },
    { header: 'resources', get: (m) => m.resources.map((x) => x.id).join(' ') },
    { header: 'callingResources', get: (m) => m.callingResources.map((x) => x.id).join(' ') },
  ]);
}

/**
 * `openmi directory-group impact -g G --assignment R | --resource ID` (docs/groups.md): what every
 * transitive member of G would lose if role assignment R on G were removed, or what a resource's
 * system-assigned identity would lose if it left G (`openmi identity impact --leave-group` answers
 * for user-assigned ones).
 */
export function groupImpactCommand(): Command {
  return withGroup(
    new Command('impact').description(
      "What every member would lose if one of the group's role assignments were removed, or what a resource's system-assigned identity would lose if it left the group.",
    ),
  )
    .option('--assignment <id>', "the group's role assignment: its full id or its name (GUID)")
    .option('--resource <id>', 'a resource whose system-assigned identity is a direct member')
    .action(async (o: ClientOptions & { group: string; assignment?: string; resource?: string }) => {
      if (!o.assignment === !o.resource) throw new CliError('give exactly one of --assignment and --resource', 2);
      const client = clientFor(o);
      const groupId = await resolveGroup(client, o.group);
      if (o.resource) return leaveImpact(client, o, groupId, o.resource);
      return assignmentImpact(client, o, groupId, o.assignment!);
    });
}
