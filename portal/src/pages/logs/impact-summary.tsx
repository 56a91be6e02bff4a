import type { IdentityImpact, IdentityUsage } from '../../api/usage.js';
import { describeScope, nameOf } from '../../components/arm-ids.js';

const DAY_MS = 86_400_000;

/** The impact API returns the last use within the log's retention; "recent" is decided here. */
export const usedSince = (lastUse: string | null, days: number, now = Date.now()) =>
  lastUse !== null && Date.parse(lastUse) >= now - days * DAY_MS;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const list = (ids: string[]) => ids.map(nameOf).join(', ');

interface Props {
  identityName: string;
  impact: IdentityImpact;
  usage: IdentityUsage | undefined;
  days: number;
  roleName: string | undefined;
}

/** The answer in plain words, first: what breaks, then what else goes with it. */
export function ImpactSummary({ identityName, impact, usage, days, roleName }: Props) {
  const recent = impact.resources.filter((r) => usedSince(r.lastUse, days));
  const idle = impact.resources.filter((r) => !usedSince(r.lastUse, days));
  const ra = impact.roleAssignment;
  const what = ra
    ? `Removing the ${roleName ?? 'role'} assignment on ${describeScope(ra.scope, { inSentence: true })} from ${identityName}`
    : `Deleting ${identityName}`;
  return (
    <div className="panel summary" role="status" aria-live="polite">
      {recent.length > 0 ? (
        <p>
          <strong>
            {what} would affect {plural(recent.length, 'resource')} that requested tokens in the last {days} days:{' '}
            {list(recent.map((r) => r.id))}.
          </strong>
        </p>
      ) : (
        <p>
          <strong>
            Nothing used this identity in the last {days} days; {ra ? 'removing this role assignment' : 'deleting it'}{' '}
            affects no recorded caller.
          </strong>
        </p>
      )}
      {!ra && idle.length > 0 ? (
        <p>
          It is also attached to {plural(idle.length, 'resource')} that did not request a token in that period (
          {list(idle.map((r) => r.id))}); they lose the identity too.
        </p>
      ) : null}
      {!ra && usage && usage.roleAssignments.length + usage.federatedCredentials.length > 0 ? (
        <p>
          Deleting it also deletes its {plural(usage.roleAssignments.length, 'role assignment')} and{' '}
          {plural(usage.federatedCredentials.length, 'federated credential')}.
        </p>
      ) : null}
      {ra ? (
        <p className="muted">
          openmi does not yet check whether another role assignment would still grant the same access, so this is the
          most that could break.
        </p>
      ) : null}
    </div>
  );
}
