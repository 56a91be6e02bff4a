import { Command } from 'commander';
import type { AccessApplyPlan, AccessReview, AssignmentReview } from '../../wire/access-review.js';
import { identityId, nameOf } from '../arm-paths.js';
import { CliError } from '../cli-error.js';
import { clientFor, positiveInt, withClientOptions, type ClientOptions } from '../command-kit.js';
import { renderJson, renderTable } from '../output.js';

interface ReviewOptions extends ClientOptions {
  resourceGroup?: string;
  name?: string;
  resource?: string;
  days: number;
  apply?: boolean;
  dryRun?: boolean;
}

const list = (xs: readonly string[]): string => (xs.length > 0 ? xs.join(', ') : '(none)');

/** One section per assignment: its used operations as a table, then what it granted unused. */
function assignmentText(a: AssignmentReview): string {
  const head = `${a.roleName ?? nameOf(a.roleDefinitionId)} at ${a.scope}${a.direct ? '' : ' (through a group)'}\n  ${a.id}`;
  if (a.used.length === 0) return `${head}\n  never used in the window\n`;
  const table = renderTable(a.used, [
    { header: 'kind', get: (u) => u.kind },
    { header: 'operation', get: (u) => u.operation },
    { header: 'count', get: (u) => u.count },
    { header: 'lastUse', get: (u) => u.lastUse },
    { header: 'scopes', get: (u) => u.scopes.join(' ') },
  ]);
  const partly = a.partlyUsed.map((p) => `  ${p.pattern}: only ${p.usedBy.join(', ')} used; the rest unused\n`);
  return (
    `${head}\n${table}` +
    partly.join('') +
    `  unused actions: ${list(a.unused.actions)}\n  unused dataActions: ${list(a.unused.dataActions)}\n`
  );
}

function reviewText(r: AccessReview): string {
  const lines = [`identity: ${r.identityId}`, `window: ${r.days} day(s) from ${r.from}`, ''];
  lines.push(...r.assignments.map(assignmentText));
  lines.push(`assignments never used: ${list(r.unusedAssignments)}`);
  const s = r.suggestedRole;
  if (s === null) lines.push('suggested role: none (nothing was used in the window)');
  else {
    const p = s.permissions[0]!;
    lines.push(`suggested role '${s.roleName}' at ${s.assignableScopes.join(', ')}:`);
    lines.push(`  actions: ${list(p.actions)}`, `  dataActions: ${list(p.dataActions)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The plan of `--apply` / `--dry-run`: what is created, assigned and removed, and what was re-checked. */
function planText(p: AccessApplyPlan): string {
  const perms = p.role.permissions[0]!;
  const lines = [
    p.applied ? `applied to ${p.identityId}:` : `plan for ${p.identityId} (dry run, nothing changed):`,
    `  ${p.role.exists ? 'reuse' : 'create'} role '${p.role.roleName}' (${p.role.id})`,
    `    actions: ${list(perms.actions)}`,
    `    dataActions: ${list(perms.dataActions)}`,
    `  assign it at ${p.assignment.scope}`,
    `    ${p.assignment.id}`,
    ...p.removes.map((r) => `  remove ${r.roleName ?? nameOf(r.roleDefinitionId)} at ${r.scope}\n    ${r.id}`),
    `  ${p.checked} observed call(s) of the last ${p.days} day(s) re-checked against the new assignments`,
  ];
  if (p.wouldDeny.length === 0) lines.push('  none of them would be denied');
  else
    lines.push(
      `  ${p.wouldDeny.length} would be denied:`,
      ...p.wouldDeny.map((w) => `    ${w.operation} at ${w.scope}`),
    );
  return `${lines.join('\n')}\n`;
}

/** `openmi identity access-review`: which of an identity's permissions it used (docs/audit.md). */
export function accessReviewCommand(): Command {
  return withClientOptions(
    new Command('access-review')
      .description(
        'Show which permissions an identity used (per role assignment), which it never did, and a least-privilege custom role.',
      )
      .option('-g, --resource-group <name>', 'resource group of the user-assigned identity')
      .option('-n, --name <name>', 'user-assigned identity name')
      .option('--resource <id>', 'a resource id: review its system-assigned identity instead')
      .option('--days <n>', 'days of evidence, today included', positiveInt, 30)
      .option('--apply', 'assign the suggested role and remove the others, if no observed call would be denied')
      .option('--dry-run', 'print what --apply would do, and what it would deny, without changing anything'),
  ).action(async (o: ReviewOptions) => {
    const client = clientFor(o);
    let target = o.resource;
    if (target === undefined) {
      if (!o.resourceGroup || !o.name)
        throw new CliError('name the identity with -g RG -n NAME, or a resource with --resource ID', 2);
      target = identityId(client.subscriptionId, o.resourceGroup, o.name);
    }
    if (o.apply || o.dryRun) {
      const p = await client.request<AccessApplyPlan>(
        'POST',
        `${target}/providers/OpenMI.Audit/accessReview/apply?api-version=2025-01-01&days=${o.days}&dryRun=${o.dryRun === true || !o.apply}`,
      );
      process.stdout.write(o.output === 'json' ? renderJson(p) : planText(p));
      return;
    }
    const r = await client.request<AccessReview>(
      'GET',
      `${target}/providers/OpenMI.Audit/accessReview?api-version=2025-01-01&days=${o.days}`,
    );
    process.stdout.write(o.output === 'json' ? renderJson(r) : reviewText(r));
  });
}
