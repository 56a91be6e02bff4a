import { conflict } from '../../kernel/errors.js';
import type { RoleAssignmentRecord, RoleDefinitionRecord } from '../../store/records.js';
import type { StoreRepos } from '../../store/store.js';
import type { AccessApplyPlan } from '../../wire/access-review.js';
import type { Actor, ChangeRecorder } from '../audit/changes.js';
import { changeInTransaction, type ChangeBatch } from '../audit/changes-batch.js';
import { planAccessApply, type AccessPlanDeps } from './access-plan.js';
import type { ReviewSubject } from './access-review.js';
import { assignmentIdOf, ROLE_ASSIGNMENTS } from './role-assignments.js';
import { roleGuidOf } from './roles.js';
import type { ScopesAccessCheck } from './role-definitions.js';
import { ROLE_DEFINITIONS, roleDefinitionIdAt } from './scopes.js';

export interface AccessApplyDeps extends AccessPlanDeps {
  recorder: ChangeRecorder;
}

const MAX_LISTED = 5;

/** The refusal when the plan would deny an observed call: which calls, and why each would fail. */
function wouldBreak(plan: AccessApplyPlan) {
  const shown = plan.wouldDeny
    .slice(0, MAX_LISTED)
    .map((w) => `${w.kind} ${w.operation} at ${w.scope} (${w.reason})`)
    .join('; ');
  const more = plan.wouldDeny.length > MAX_LISTED ? `; and ${plan.wouldDeny.length - MAX_LISTED} more` : '';
  return conflict(
    `Not applied: after the change ${plan.identityId} could no longer make ${plan.wouldDeny.length} call(s) it made in the window: ${shown}${more}. Nothing was changed; keep the assignments that grant them, or review again.`,
    { code: 'AccessReviewWouldDeny' },
  );
}

async function createRole(tx: StoreRepos, batch: ChangeBatch, plan: AccessApplyPlan, actor: Actor): Promise<void> {
  const r = plan.role;
  if (r.exists) return;
  if (await tx.roleDefinitions.getByName(r.roleName)) throw stale(`a role named '${r.roleName}' appeared`);
  const scope = r.assignableScopes[0]!;
  const now = batch.now();
  const record: RoleDefinitionRecord = {
    id: r.id,
    roleName: r.roleName,
    description: r.description,
    assignableScopes: r.assignableScopes,
    permissions: r.permissions,
    scope,
    createdBy: actor.principalId,
    updatedBy: actor.principalId,
    createdAt: now,
    updatedAt: now,
  };
  await tx.roleDefinitions.create(record);
  batch.add(`${ROLE_DEFINITIONS}/write`, roleDefinitionIdAt(scope, r.id), {
    created: true,
    roleName: r.roleName,
    assignableScopes: r.assignableScopes,
    permissions: r.permissions,
  });
}

async function createAssignment(tx: StoreRepos, batch: ChangeBatch, plan: AccessApplyPlan, actor: Actor) {
  const a = plan.assignment;
  if (await tx.roleAssignments.get(a.id)) return;
  const name = a.id.slice(a.id.lastIndexOf('/') + 1);
  const now = batch.now();
  const record: RoleAssignmentRecord = {
    id: assignmentIdOf(a.scope, name),
    name,
    scope: a.scope,
    roleDefinitionId: a.roleDefinitionId,
    principalId: plan.principalId,
    principalType: 'ServicePrincipal',
    description: 'Least privilege from observed use (openmi identity access-review --apply).',
    condition: null,
    conditionVersion: null,
    createdBy: actor.principalId,
    updatedBy: actor.principalId,
    createdAt: now,
    updatedAt: now,
  };
  await tx.roleAssignments.create(record);
  const { principalId, principalType, roleDefinitionId, scope, description } = record;
  batch.add(`${ROLE_ASSIGNMENTS}/write`, record.id, {
    created: true,
    ...{ principalId, principalType, roleDefinitionId, scope, description },
    condition: null,
  });
}

async function removeAssignments(tx: StoreRepos, batch: ChangeBatch, plan: AccessApplyPlan): Promise<void> {
  for (const planned of plan.removes) {
    const found = await tx.roleAssignments.get(planned.id);
    if (!found || roleGuidOf(found.roleDefinitionId) !== roleGuidOf(planned.roleDefinitionId))
      throw stale(`the assignment ${planned.id} changed`);
    await tx.roleAssignments.delete(found.id);
    const { principalId, roleDefinitionId, scope } = found;
    batch.add(`${ROLE_ASSIGNMENTS}/delete`, found.id, { principalId, roleDefinitionId, scope });
  }
  // An assignment made meanwhile was not checked against the evidence: start over rather than guess.
  const left = await tx.roleAssignments.listForPrincipal(plan.principalId);
  if (left.some((a) => a.id.toLowerCase() !== plan.assignment.id.toLowerCase()))
    throw stale('another assignment of the identity appeared');
}

const stale = (what: string) =>
  conflict(`Not applied: ${what} since the plan was made. Nothing was changed; run the review again.`, {
    code: 'AccessReviewPlanStale',
  });

/**
 * Applies the review (docs/audit.md, applying a review): plans it, refuses when any call observed in
 * the window would be denied, else creates the role, assigns it and removes the identity's other
 * assignments in ONE transaction, whose activity-log rows commit with it. A failure leaves every
 * old assignment in place. `dryRun` returns the plan (with what it would deny) without writing.
 */
export async function applyAccessReview(
  d: AccessApplyDeps,
  subject: ReviewSubject,
  days: number,
  actor: Actor,
  access: ScopesAccessCheck,
  dryRun: boolean,
): Promise<AccessApplyPlan> {
  const plan = await planAccessApply(d, subject, days);
  if (dryRun) return plan;
  if (plan.wouldDeny.length > 0) throw wouldBreak(plan);
  // The caller needs what each step needs on its own (docs/wire/arm.md).
  if (!plan.role.exists) await access(`${ROLE_DEFINITIONS}/write`, plan.role.assignableScopes);
  await access(`${ROLE_ASSIGNMENTS}/write`, [plan.assignment.scope]);
  await access(
    `${ROLE_ASSIGNMENTS}/delete`,
    plan.removes.map((r) => r.scope),
  );
  await changeInTransaction(d, actor, async (tx, batch) => {
    await createRole(tx, batch, plan, actor);
    await createAssignment(tx, batch, plan, actor);
    await removeAssignments(tx, batch, plan);
  });
  return { ...plan, applied: true };
}
