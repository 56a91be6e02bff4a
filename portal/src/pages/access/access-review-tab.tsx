import { useState } from 'react';
import { accessReview, applyAccessReview, type AccessApplyPlan, type AccessReview } from '../../api/access-review.js';
import { ErrorBanner, Loading, Notice } from '../../components/feedback.js';
import { useAction } from '../../components/use-action.js';
import { useAsync } from '../../components/use-async.js';
import { ApplyConfirm, PlanView } from './apply-plan.js';
import { AssignmentHead, DaysSelect, SuggestedRoleView, UnusedPart, UsedTable } from './review-parts.js';
import './access.css';

interface Props {
  /** A user-assigned identity's id, or the id of a resource whose system-assigned identity is reviewed. */
  subjectId: string;
  /** How the page names the identity in sentences. */
  name: string;
}

function Assignments({ review }: { review: AccessReview }) {
  if (review.assignments.length === 0)
    return <p className="muted">This identity has no role assignments, so there is nothing to review.</p>;
  const never = new Set(review.unusedAssignments);
  return (
    <>
      {review.assignments.map((a) => (
        <section key={a.id} className="panel ar-assignment" aria-label={`Assignment ${a.roleName ?? a.id}`}>
          <AssignmentHead a={a} never={never.has(a.id)} />
          <UsedTable caption={`Used of ${a.roleName ?? a.roleDefinitionId} at ${a.scope}`} used={a.used} />
          <UnusedPart a={a} />
        </section>
      ))}
    </>
  );
}

/**
 * Which of the identity's permissions it used, from the server's own evidence (docs/audit.md,
 * access review), and the least-privilege role to replace them with: `openmi identity access-review`.
 */
export function AccessReviewTab({ subjectId, name }: Props) {
  const [days, setDays] = useState(30);
  const review = useAsync(() => accessReview(subjectId, days), [subjectId, days]);
  const [plan, setPlan] = useState<AccessApplyPlan>();
  const [confirming, setConfirming] = useState<AccessApplyPlan>();
  const [notice, setNotice] = useState<string>();
  const action = useAction();
  const changeDays = (d: number) => {
    setPlan(undefined);
    setNotice(undefined);
    setDays(d);
  };
  const dryRun = (then: (p: AccessApplyPlan) => void) =>
    action.run(async () => {
      setNotice(undefined);
      then(await applyAccessReview(subjectId, days, true));
    });
  const apply = async () => {
    const done = await applyAccessReview(subjectId, days, false);
    setPlan(done);
    setNotice(`Applied: ${name} now holds ${done.role.roleName}; ${done.removes.length} assignment(s) removed.`);
    review.reload();
  };
  const r = review.data;
  const canPlan = !!r?.suggestedRole && !action.busy;
  return (
    <>
      <div className="mi-tab-head">
        <h2 className="mi-tab-title">Access review</h2>
        <div className="actions">
          <button type="button" onClick={() => void dryRun(setPlan)} disabled={!canPlan}>
            Dry run
          </button>
          <button type="button" className="primary" onClick={() => void dryRun(setConfirming)} disabled={!canPlan}>
            Apply suggested role
          </button>
        </div>
      </div>
      <p className="muted">
        What {name} did with its role assignments, counted from every call the server authorized. Same as{' '}
        <code>openmi identity access-review --days {days}</code>.
      </p>
      <DaysSelect days={days} onChange={changeDays} />
      {notice ? <Notice>{notice}</Notice> : null}
      <ErrorBanner error={review.error} title="The access review could not be loaded." />
      <ErrorBanner error={action.error} title="The plan could not be made." />
      {review.loading && !r ? <Loading what="the access review" /> : null}
      {plan ? <PlanView plan={plan} /> : null}
      {r ? (
        <>
          <SuggestedRoleView role={r.suggestedRole} />
          <Assignments review={r} />
        </>
      ) : null}
      {confirming ? (
        <ApplyConfirm plan={confirming} name={name} onClose={() => setConfirming(undefined)} onConfirm={apply} />
      ) : null}
    </>
  );
}
