import type { AccessApplyPlan } from '../../api/access-review.js';
import { describeScope } from '../../components/arm-ids.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { OperationList, roleOf } from './review-parts.js';

/** The impact analysis of a plan: every observed call re-decided against the new assignments. */
export function ImpactResult({ plan }: { plan: AccessApplyPlan }) {
  const n = plan.wouldDeny.length;
  if (n === 0)
    return (
      <div className="banner banner-ok" role="status">
        {plan.checked} observed call(s) of the last {plan.days} day(s) re-checked against the new assignments: none of
        them would be denied.
      </div>
    );
  return (
    <div className="banner banner-warn" role="status">
      <strong>
        {n} of {plan.checked} observed call(s) would be denied.
      </strong>{' '}
      The server refuses to apply this plan; keep the assignments that grant them.
      <ul aria-label="Calls that would be denied" className="ar-plain">
        {plan.wouldDeny.map((w) => (
          <li key={`${w.operation} ${w.scope}`}>
            <span className="mono">{w.operation}</span> at <span className="mono">{w.scope}</span>: {w.reason}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** What applying creates, assigns and removes (the CLI's `--dry-run` output, as a page). */
export function PlanView({ plan }: { plan: AccessApplyPlan }) {
  const p = plan.role.permissions[0] ?? { actions: [], dataActions: [] };
  return (
    <section className="panel" aria-label={plan.applied ? 'Applied plan' : 'Plan (dry run)'}>
      <h3 className="ar-title">{plan.applied ? 'Applied' : 'Plan (dry run, nothing changed)'}</h3>
      <ul className="ar-steps">
        <li>
          {plan.role.exists ? 'Reuse' : 'Create'} the custom role <strong>{plan.role.roleName}</strong>
          <div className="ar-cols">
            <OperationList label="Plan actions" items={p.actions} />
            <OperationList label="Plan data actions" items={p.dataActions} />
          </div>
        </li>
        <li>
          Assign it at {describeScope(plan.assignment.scope, { inSentence: true })}{' '}
          <span className="mono muted">{plan.assignment.scope}</span>
        </li>
        {plan.removes.map((r) => (
          <li key={r.id}>
            Remove <strong>{roleOf(r)}</strong> at {describeScope(r.scope, { inSentence: true })}{' '}
            <span className="mono muted">{r.id}</span>
          </li>
        ))}
      </ul>
      <ImpactResult plan={plan} />
    </section>
  );
}

interface ConfirmProps {
  plan: AccessApplyPlan;
  name: string;
  onClose: () => void;
  onConfirm: () => Promise<unknown>;
}

/** The confirmation before applying: the plan and its impact check; the server's refusal stays in it. */
export function ApplyConfirm({ plan, name, onClose, onConfirm }: ConfirmProps) {
  return (
    <ConfirmDialog title="Apply the suggested role?" confirmLabel="Apply" onClose={onClose} onConfirm={onConfirm}>
      <p>
        In one step, recorded in the activity log: {name} gets the role below and loses its {plan.removes.length}{' '}
        current assignment(s).
      </p>
      <PlanView plan={plan} />
    </ConfirmDialog>
  );
}
