import { groupOf, listIdentities } from '../api/identities.js';
import { roleNames } from '../api/role-assignments.js';
import { identityImpact, identityUsage } from '../api/usage.js';
import { describeScope, nameOf, portalPathOf } from '../components/arm-ids.js';
import { EmptyState, ErrorBanner, Loading, PageHeader } from '../components/feedback.js';
import { SelectField } from '../components/fields.js';
import { useAsync } from '../components/use-async.js';
import { Link, navigate } from '../router.js';
import { useSubscription } from '../subscription.js';
import { ImpactSummary } from './logs/impact-summary.js';
import { AssignmentsTable, CallersTable, CarriersTable } from './logs/impact-tables.js';
import './logs/logs.css';

const DAYS = [
  { value: '7', label: 'Last 7 days' },
  { value: '30', label: 'Last 30 days' },
  { value: '90', label: 'Last 90 days' },
];

interface Pick {
  identity: string;
  roleAssignment: string;
  days: string;
}

function pickOf(q: URLSearchParams): Pick {
  const days = q.get('days') ?? '30';
  return {
    identity: q.get('identity') ?? '',
    roleAssignment: q.get('roleAssignment') ?? '',
    days: DAYS.some((d) => d.value === days) ? days : '30',
  };
}

function go(p: Pick) {
  const q = new URLSearchParams();
  if (p.identity) q.set('identity', p.identity);
  if (p.roleAssignment) q.set('roleAssignment', p.roleAssignment);
  if (p.days !== '30') q.set('days', p.days);
  navigate(`/impact${q.size ? `?${q.toString()}` : ''}`, { replace: true });
}

export function ImpactPage({ query }: { query: URLSearchParams }) {
  const { subscriptionId } = useSubscription();
  const pick = pickOf(query);
  const identities = useAsync(() => listIdentities(subscriptionId), [subscriptionId]);
  const roles = useAsync(() => roleNames(subscriptionId).catch(() => undefined), [subscriptionId]);
  const chosen = identities.data?.find((i) => i.id.toLowerCase() === pick.identity.toLowerCase());
  const options = [
    { value: '', label: 'Choose an identity…' },
    ...(identities.data ?? []).map((i) => ({ value: i.id, label: `${i.name} (${groupOf(i.id)})` })),
  ];
  return (
    <section>
      <PageHeader
        title="Impact"
        subtitle="What would break if an identity were deleted, or one of its role assignments removed: read from which resources carry it and which of them requested tokens."
      />
      <ErrorBanner error={identities.error} title="The identities could not be listed." />
      <div className="filters impact-picks">
        <SelectField
          label="Identity"
          value={chosen?.id ?? pick.identity}
          onChange={(identity) => go({ ...pick, identity, roleAssignment: '' })}
          options={options}
        />
        <SelectField
          label="Recent means"
          value={pick.days}
          onChange={(days) => go({ ...pick, days })}
          options={DAYS}
          hint="A resource counts as a live caller if it got a token in this period."
        />
      </div>
      {identities.loading && !identities.data ? (
        <Loading what="identities" />
      ) : identities.data?.length === 0 ? (
        <EmptyState title="There are no identities yet">
          Create one on the <Link to="/identities">Managed identities</Link> page, or with{' '}
          <code>openmi identity create -g rg1 -n id1</code>.
        </EmptyState>
      ) : !pick.identity ? (
        <EmptyState title="Choose an identity">
          Pick an identity above to see which resources and callers depend on it.
        </EmptyState>
      ) : (
        <ImpactOf
          identityId={chosen?.id ?? pick.identity}
          name={chosen?.name ?? nameOf(pick.identity)}
          pick={pick}
          roleName={(d) => roles.data?.nameOf(d) ?? nameOf(d)}
        />
      )}
    </section>
  );
}

function ImpactOf({
  identityId,
  name,
  pick,
  roleName,
}: {
  identityId: string;
  name: string;
  pick: Pick;
  roleName: (defId: string) => string;
}) {
  const usage = useAsync(() => identityUsage(identityId), [identityId]);
  const impact = useAsync(
    () => identityImpact(identityId, pick.roleAssignment || undefined),
    [identityId, pick.roleAssignment],
  );
  const days = Number(pick.days);
  const ra = usage.data?.roleAssignments.find((a) => a.id === pick.roleAssignment);
  const raOptions = [
    { value: '', label: 'Delete the whole identity' },
    ...(usage.data?.roleAssignments ?? []).map((a) => ({
      value: a.id,
      label: `Remove ${roleName(a.roleDefinitionId)} on ${describeScope(a.scope, { inSentence: true })}`,
    })),
  ];
  const page = portalPathOf(identityId);
  return (
    <>
      <div className="filters impact-picks">
        <SelectField
          label="Question"
          value={pick.roleAssignment}
          onChange={(roleAssignment) => go({ ...pick, roleAssignment })}
          options={raOptions}
          hint="Ask about deleting the identity, or about removing one of its role assignments."
        />
      </div>
      <ErrorBanner error={impact.error} title="The impact could not be computed." />
      <ErrorBanner error={usage.error} title="The identity's usage could not be read." />
      {impact.loading && !impact.data ? <Loading what="impact" /> : null}
      {impact.data ? (
        <ImpactSummary
          identityName={name}
          impact={impact.data}
          usage={usage.data}
          days={days}
          roleName={ra ? roleName(ra.roleDefinitionId) : undefined}
        />
      ) : null}
      {page ? (
        <p>
          <Link to={page}>Open {name}</Link> ·{' '}
          <Link to={`/sign-ins?identity=${encodeURIComponent(identityId)}&range=30d`}>Its sign-ins</Link>
        </p>
      ) : null}
      {impact.data ? (
        <>
          <h2>{pick.roleAssignment ? 'Resources whose workloads used it' : 'Resources that carry it'}</h2>
          <CarriersTable impact={impact.data} days={days} forAssignment={!!pick.roleAssignment} />
        </>
      ) : null}
      {usage.data ? (
        <>
          <h2>Token requests per calling resource</h2>
          <CallersTable usage={usage.data} />
          <h2>Role assignments it holds</h2>
          <AssignmentsTable
            usage={usage.data}
            roleName={roleName}
            onPick={(roleAssignment) => go({ ...pick, roleAssignment })}
          />
          {usage.data.federatedCredentials.length > 0 ? (
            <>
              <h2>Federated credentials</h2>
              <ul>
                {usage.data.federatedCredentials.map((f) => (
                  <li key={f.name}>
                    <strong>{f.name}</strong>: <span className="mono">{f.issuer}</span> subject{' '}
                    <span className="mono">{f.subject}</span>
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </>
      ) : usage.loading ? (
        <Loading what="usage" />
      ) : null}
    </>
  );
}
