import { useMemo, useState } from 'react';
import type { IdentityWire } from '../../api/identities.js';
import { flowLabel, type SignInWire } from '../../api/sign-in-log.js';
import { querySignIns } from '../../api/sign-ins.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { EmptyState, ErrorBanner, Loading, ResultBadge, Time } from '../../components/feedback.js';
import { SelectField } from '../../components/fields.js';
import { useAsync } from '../../components/use-async.js';
import { Link } from '../../router.js';
import { ResourceName } from '../logs/resource-link.js';
import { SignInChart } from './sign-in-chart.js';
import { PERIODS, bucketStarts, bucketize, type Period } from './sign-in-buckets.js';

const LATEST = 25;

const COLUMNS: Column<SignInWire>[] = [
  {
    key: 'time',
    header: 'Time',
    className: 'mi-nowrap',
    sortValue: (s) => s.createdDateTime,
    render: (s) => <Time iso={s.createdDateTime} />,
  },
  {
    key: 'result',
    header: 'Result',
    sortValue: (s) => s.result,
    render: (s) => (
      <>
        <ResultBadge result={s.result} />
        {s.requestCount ? <span className="muted"> ×{s.requestCount}</span> : null}
      </>
    ),
  },
  {
    key: 'calling',
    header: 'Calling resource',
    render: (s) => <ResourceName id={s.managedServiceIdentity.associatedResourceId} />,
  },
  {
    key: 'audience',
    header: 'Audience',
    className: 'mi-col-mid',
    render: (s) => <span className="mono">{s.resourceId ?? '—'}</span>,
  },
  {
    key: 'flow',
    header: 'Flow',
    className: 'mi-nowrap',
    sortValue: (s) => s.flow,
    render: (s) => (
      <>
        {flowLabel(s.flow)}
        {s.source === 'agentCache' ? <span className="muted"> (agent cache)</span> : null}
      </>
    ),
  },
  {
    key: 'error',
    header: 'Error reason',
    className: 'mi-col-wide',
    render: (s) =>
      s.result === 'success' ? (
        <span className="muted">—</span>
      ) : (
        <>
          {s.status.failureReason ?? 'No reason recorded.'}{' '}
          {s.status.errorCode ? <span className="mono muted">({s.status.errorCode})</span> : null}
        </>
      ),
  },
];

async function load(identityId: string, period: Period) {
  const starts = bucketStarts(period);
  const rows = await querySignIns({ identity: identityId, from: starts[0] });
  rows.sort((a, b) => b.createdDateTime.localeCompare(a.createdDateTime));
  // An empty period may still hide older sign-ins; the empty state says which case it is.
  const ever = rows.length > 0 || (await querySignIns({ identity: identityId }, 1)).length > 0;
  return { rows, buckets: bucketize(rows, starts), ever };
}

/** Token requests for this identity: a chart over time and the latest rows. */
export function SignInsTab({ identity }: { identity: IdentityWire }) {
  const [period, setPeriod] = useState<Period>('24h');
  const data = useAsync(() => load(identity.id, period), [identity.id, period]);
  const latest = useMemo(() => data.data?.rows.slice(0, LATEST) ?? [], [data.data]);
  const logLink = `/sign-ins?identity=${encodeURIComponent(identity.id)}`;
  const words = PERIODS.find((p) => p.value === period)!.words;
  return (
    <>
      <div className="mi-tab-head">
        <h2 className="mi-tab-title">Sign-ins</h2>
        <Link to={logLink}>Open in sign-in log</Link>
      </div>
      <p className="muted">Every token request for this identity, successful or not.</p>
      <div className="filters mi-narrow-filters">
        <SelectField label="Period" value={period} onChange={(v) => setPeriod(v as Period)} options={PERIODS} />
      </div>
      <ErrorBanner error={data.error} title="The sign-ins could not be loaded." />
      {data.loading && !data.data ? <Loading what="sign-ins" /> : null}
      {data.data && !data.data.ever ? (
        <EmptyState title="No sign-ins yet">
          <p>A workload gets this identity’s tokens by running on a resource that carries it, for example:</p>
          <pre className="mi-cmd">openmi run --resource &lt;resource id&gt; -- &lt;cmd&gt;</pre>
          <p>
            and asking its SDK for the identity with client ID <code>{identity.properties.clientId}</code> (e.g.{' '}
            <code>ManagedIdentityCredential({'{ clientId }'})</code>).
          </p>
        </EmptyState>
      ) : null}
      {data.data?.ever ? (
        <>
          <SignInChart buckets={data.data.buckets} period={period} />
          <h3 className="mi-subtitle">Latest sign-ins</h3>
          <DataTable
            caption={`Latest sign-ins of this identity in ${words}`}
            columns={COLUMNS}
            rows={latest}
            rowKey={(s) => s.id}
            initialSort={{ key: 'time', dir: 'desc' }}
            empty={
              <EmptyState title={`No sign-ins in ${words}`}>
                <p>
                  Choose a longer period, or <Link to={logLink}>open the sign-in log</Link> for older ones.
                </p>
              </EmptyState>
            }
          />
          {data.data.rows.length > LATEST ? (
            <p className="muted">
              Showing the latest {LATEST} of {data.data.rows.length}.{' '}
              <Link to={logLink}>See all {data.data.rows.length} in the sign-in log</Link>.
            </p>
          ) : null}
        </>
      ) : null}
    </>
  );
}
