import { Command } from 'commander';
import type { GroupAccessReview, GroupAssignmentReview } from '../../wire/access-review.js';
import { nameOf } from '../arm-paths.js';
import { clientFor, positiveInt, type ClientOptions } from '../command-kit.js';
import { renderJson, renderTable } from '../output.js';
import { resolveGroup, withGroup } from './directory-group.js';

const list = (xs: readonly string[]): string => (xs.length > 0 ? xs.join(', ') : '(none)');

/** One section per assignment of the group: member by member, what it used; then what nobody used. */
function assignmentText(a: GroupAssignmentReview): string {
  const head = `${a.roleName ?? nameOf(a.roleDefinitionId)} at ${a.scope}\n  ${a.id}`;
  if (a.members.length === 0) return `${head}\n  no member used it in the window\n`;
  const rows = a.members.flatMap((m) => m.used.map((u) => ({ m, u })));
  const table = renderTable(rows, [
    { header: 'member', get: (r) => r.m.displayName ?? r.m.principalId },
    { header: 'kind', get: (r) => r.u.kind },
    { header: 'operation', get: (r) => r.u.operation },
    { header: 'count', get: (r) => r.u.count },
    { header: 'lastUse', get: (r) => r.u.lastUse },
  ]);
  return `${head}\n${table}  unused actions: ${list(a.unused.actions)}\n  unused dataActions: ${list(a.unused.dataActions)}\n`;
}

function reviewText(r: GroupAccessReview): string {
  const lines = [`group: ${r.displayName} (${r.groupId})`, `window: ${r.days} day(s) from ${r.from}`, ''];
  lines.push(...r.assignments.map(assignmentText));
  lines.push(`assignments never used: ${list(r.unusedAssignments)}`);
  lines.push(`members that used none of them: ${list(r.membersWithoutUse.map((m) => m.displayName ?? m.principalId))}`);
  return `${lines.join('\n')}\n`;
}

/** `openmi directory-group access-review -g G`: which members used which of the group's permissions (docs/audit.md). */
export function groupAccessReviewCommand(): Command {
  return withGroup(
    new Command('access-review').description(
      "Show which members used which of the group's role assignments, and what nobody used.",
    ),
  )
    .option('--days <n>', 'days of evidence, today included', positiveInt, 30)
    .action(async (o: ClientOptions & { group: string; days: number }) => {
      const client = clientFor(o);
      const id = await resolveGroup(client, o.group);
      const r = await client.request<GroupAccessReview>(
        'GET',
        `/providers/OpenMI.Audit/groupAccessReviews/${id}?api-version=2025-01-01&days=${o.days}`,
      );
      process.stdout.write(o.output === 'json' ? renderJson(r) : reviewText(r!));
    });
}
