import { useState } from 'react';
import { assignmentsByPrincipal, unusedIdentities, type UnusedIdentity } from '../api/usage.js';
import { DataTable, type Column } from '../components/data-table.js';
import { EmptyState, ErrorBanner, Loading, PageHeader, Time } from '../components/feedback.js';
import { SelectField } from '../components/fields.js';
import { useAsync } from '../components/use-async.js';
import { Link, pathOf } from '../router.js';
import { useSubscription } from '../subscription.js';
import { nameOf } from '../components/arm-ids.js';
import './logs/logs.css';

const DAYS = [
  { value: '7', label: '7 days' },
  { value: '30', label: '30 days' },
  { value: '90', label: '90 days' },
];

interface Row extends UnusedIdentity {
  /** undefined while the role assignments could not be read. */
  assignments: number | undefined;
}

async function load(sub: string, days: number): Promise<Row[]> {
  // Role assignment counts are a nicety: without read access to them the list still shows.
  const [unused, counts] = await Promise.all([
    unusedIdentities(sub, days),
    assignmentsByPrincipal(sub).catch(() => undefined),
  ]);
  return unused.map((u) => ({
    ...u,
    assignments: counts ? (counts.get(u.principalId.toLowerCase()) ?? 0) : undefined,
  }));
}

function Resources({ ids }: { ids: string[] }) {
  if (ids.length === 0) return <>0</>;
  return (
    <span title={ids.join('\n')}>
      {ids.length} ({ids.slice(0, 3).map(nameOf).join(', ')}
      {ids.length > 3 ? ', …' : ''})
    </span>
  );
}

const columns: Column<Row>[] = [
  {
    key: 'name',
    header: 'Identity',
    render: (r) => (
      <Link to={pathOf('identities', r.resourceGroup, r.name)} title={r.id}>
        {r.name}
      </Link>
    ),
    sortValue: (r) => r.name,
  },
  { key: 'rg', header: 'Resource group', render: (r) => r.resourceGroup, sortValue: (r) => r.resourceGroup },
  {
    key: 'last',
    header: 'Last used',
    className: 'nowrap',
    render: (r) => <Time iso={r.lastUse} />,
    sortValue: (r) => r.lastUse ?? '',
  },
  {
    key: 'res',
    header: 'Attached resources',
    render: (r) => <Resources ids={r.resources} />,
    sortValue: (r) => r.resources.length,
  },
  {
    key: 'ra',
    header: 'Role assignments',
    render: (r) => (r.assignments === undefined ? <span className="muted">unknown</span> : r.assignments),
    sortValue: (r) => r.assignments ?? -1,
  },
  {
    key: 'impact',
    header: 'Impact',
    render: (r) => (
      <Link
        to={`/impact?identity=${encodeURIComponent(r.id)}`}
        aria-label={`Impact of deleting ${r.name} in ${r.resourceGroup}`}
      >
        Impact
      </Link>
    ),
  },
];

export function UnusedIdentitiesPage() {
  const { subscriptionId } = useSubscription();
  const [days, setDays] = useState('30');
  const rows = useAsync(() => load(subscriptionId, Number(days)), [subscriptionId, days]);
  return (
    <section>
      <PageHeader
        title="Unused identities"
        subtitle="User-assigned identities that no workload has used recently: candidates for clean-up."
      />
      <div className="panel explain">
        <p>
          An identity counts as <strong>unused</strong> when the sign-in log holds no <em>successful</em> token request
          for it in the chosen period. Use is read from the sign-in log, so it only reaches back as far as the log's
          retention (90 days unless <code>OPENMI_AUDIT_RETENTION_DAYS</code> says otherwise), and an agent's cached
          tokens count about a second after they are served. An identity attached to a resource can still be unused;
          check its Impact before deleting it.
        </p>
      </div>
      <div className="filters narrow">
        <SelectField label="Not used for" value={days} onChange={setDays} options={DAYS} />
      </div>
      <ErrorBanner error={rows.error} title="The unused identities could not be listed." />
      {rows.loading && !rows.data ? (
        <Loading what="unused identities" />
      ) : rows.data ? (
        <>
          <p className="muted" role="status" aria-live="polite">
            {rows.loading
              ? 'Refreshing…'
              : `${rows.data.length} identit${rows.data.length === 1 ? 'y' : 'ies'} not used in the last ${days} days.`}
          </p>
          <DataTable
            caption={`Identities not used in the last ${days} days`}
            columns={columns}
            rows={rows.data}
            rowKey={(r) => r.id}
            initialSort={{ key: 'last', dir: 'asc' }}
            empty={<Empty days={days} />}
          />
        </>
      ) : null}
    </section>
  );
}

function Empty({ days }: { days: string }) {
  return (
    <EmptyState title={`Every identity was used in the last ${days} days`}>
      <p>
        Each user-assigned identity in this subscription got at least one token in that period. See who used them in the{' '}
        <Link to="/sign-ins">Sign-in log</Link>, or choose a shorter period above.
      </p>
    </EmptyState>
  );
}
