import { useState } from 'react';
import { groupAccessReview, type GroupAssignmentReview } from '../../api/access-review.js';
import { portalPathOf } from '../../components/arm-ids.js';
import { ErrorBanner, Loading } from '../../components/feedback.js';
import { useAsync } from '../../components/use-async.js';
import { Link } from '../../router.js';
import { AssignmentHead, DaysSelect, UnusedPart, UsedTable, roleOf } from './review-parts.js';
import './access.css';

type Member = { principalId: string; displayName: string | null; identityResourceId: string | null };

function MemberName({ m }: { m: Member }) {
  const label = m.displayName ?? m.principalId;
  const to = m.identityResourceId ? portalPathOf(m.identityResourceId) : undefined;
  return to ? <Link to={to}>{label}</Link> : <>{label}</>;
}

function GroupAssignment({ a, never }: { a: GroupAssignmentReview; never: boolean }) {
  return (
    <section className="panel ar-assignment" aria-label={`Assignment ${roleOf(a)}`}>
      <AssignmentHead a={a} never={never} />
      {a.members.length === 0 ? <p className="muted">No member used it in the window.</p> : null}
      {a.members.map((m) => (
        <div key={m.principalId} className="ar-members">
          <h4 className="ar-title">
            Used by <MemberName m={m} />
          </h4>
          <UsedTable caption={`Used by ${m.displayName ?? m.principalId} of ${roleOf(a)}`} used={m.used} />
        </div>
      ))}
      <UnusedPart a={a} />
    </section>
  );
}

/** Which members used which of the group's permissions: `openmi directory-group access-review`. */
export function GroupAccessReviewTab({ groupId, name }: { groupId: string; name: string }) {
  const [days, setDays] = useState(30);
  const review = useAsync(() => groupAccessReview(groupId, days), [groupId, days]);
  const r = review.data;
  const never = new Set(r?.unusedAssignments ?? []);
  return (
    <>
      <h2 className="mi-tab-title">Access review</h2>
      <p className="muted">
        Which members of {name} used which of its role assignments, counted from every call the server authorized. Same
        as <code>openmi directory-group access-review -g {groupId}</code>.
      </p>
      <DaysSelect days={days} onChange={setDays} />
      <ErrorBanner error={review.error} title="The group's access review could not be loaded." />
      {review.loading && !r ? <Loading what="the group's access review" /> : null}
      {r && r.assignments.length === 0 ? (
        <p className="muted">This group has no role assignments, so there is nothing to review.</p>
      ) : null}
      {r?.assignments.map((a) => (
        <GroupAssignment key={a.id} a={a} never={never.has(a.id)} />
      ))}
      {r ? (
        <section aria-labelledby="ar-idle-members">
          <h3 id="ar-idle-members" className="mi-subtitle">
            Members that used none of them
          </h3>
          {r.membersWithoutUse.length === 0 ? (
            <p className="muted">none</p>
          ) : (
            <ul aria-labelledby="ar-idle-members" className="mi-list">
              {r.membersWithoutUse.map((m) => (
                <li key={m.principalId}>
                  <MemberName m={m} />
                </li>
              ))}
            </ul>
          )}
        </section>
      ) : null}
    </>
  );
}
