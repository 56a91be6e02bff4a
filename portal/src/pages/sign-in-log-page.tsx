import { useState } from 'react';
import { flowLabel, signInPage, type SignInFilter, type SignInWire } from '../api/sign-in-log.js';
import type { Column } from '../components/data-table.js';
import { EmptyState, ErrorBanner, Notice, PageHeader, ResultBadge, Time } from '../components/feedback.js';
import { navigate } from '../router.js';
import { DetailDialog } from './logs/detail-dialog.js';
import { exportJsonLines } from './logs/export-jsonl.js';
import { usePrincipalNames } from './logs/principals.js';
import { OperationText, ResourceName } from './logs/resource-link.js';
import { nameOf } from '../components/arm-ids.js';
import { signInDetail } from './logs/sign-in-detail.js';
import {
  SignInFilterForm,
  signInFiltersFromQuery,
  signInFiltersToQuery,
  type SignInFilters,
} from './logs/sign-in-filters.js';
import { rangeBounds, rangeLabel } from './logs/time-range.js';
import { usePagedLog } from './logs/use-paged-log.js';
import { PagedLogTable } from './logs/paged-log-table.js';
import './logs/logs.css';

function serverFilter(f: SignInFilters): SignInFilter {
  return {
    ...rangeBounds(f.time),
    identity: f.identity || undefined,
    callingResource: f.calling || undefined,
    result: (f.result || undefined) as SignInFilter['result'],
  };
}

/** The API has no flow parameter, so the flow is matched here in the browser. */
const browserFilter = (f: SignInFilters) => (s: SignInWire) => !f.flow || s.flow === f.flow;

/** The server measures sub-millisecond; people read whole milliseconds. */
export const latency = (ms: number) => (ms < 1 ? '< 1 ms' : `${Math.round(ms)} ms`);

const when = (s: SignInWire) => new Date(s.createdDateTime).toLocaleString();

/** " of id1 from vm1": names a row's Details button apart from its neighbours in the same second. */
function who(s: SignInWire): string {
  const msi = s.managedServiceIdentity;
  const of = msi.identityResourceId ? ` of ${nameOf(msi.identityResourceId)}` : '';
  return msi.associatedResourceId ? `${of} from ${nameOf(msi.associatedResourceId)}` : of;
}

export function SignInLogPage({ query }: { query: URLSearchParams }) {
  const qs = query.toString();
  const filters = signInFiltersFromQuery(query);
  const fetchPage = (next?: string) => signInPage(serverFilter(filters), next);
  const log = usePagedLog(fetchPage, qs, browserFilter(filters));
  const principal = usePrincipalNames();
  const [open, setOpen] = useState<SignInWire | null>(null);
  const [exporting, setExporting] = useState<{ busy: boolean; done?: number; error?: unknown }>({ busy: false });
  const apply = (f: SignInFilters) => {
    const next = signInFiltersToQuery(f);
    if (next === qs) log.reload();
    else navigate(`/sign-ins${next ? `?${next}` : ''}`, { replace: true });
  };
  const exportAll = () => {
    setExporting({ busy: true });
    exportJsonLines(
      fetchPage,
      browserFilter(filters),
      `sign-ins-${new Date().toISOString().slice(0, 19).replace(/:/g, '')}.jsonl`,
    ).then(
      (done) => setExporting({ busy: false, done }),
      (error: unknown) => setExporting({ busy: false, error }),
    );
  };
  const identity = (s: SignInWire) => {
    const id = s.managedServiceIdentity.identityResourceId;
    if (id) return <ResourceName id={id} />;
    const raw = s.servicePrincipalId ?? s.appId;
    const name = principal(s.servicePrincipalId) ?? principal(s.appId);
    if (name) return <span title={raw ?? ''}>{name}</span>;
    // An unknown application: the start of its id is enough to tell rows apart; Details has it whole.
    return raw ? (
      <span className="mono" title={raw}>
        {raw.slice(0, 8)}…
      </span>
    ) : (
      <span className="muted">—</span>
    );
  };
  const columns: Column<SignInWire>[] = [
    {
      key: 'time',
      header: 'Time',
      className: 'nowrap',
      render: (s) => <Time iso={s.createdDateTime} />,
      sortValue: (s) => s.createdDateTime,
    },
    {
      key: 'result',
      header: 'Result',
      render: (s) => (
        <>
          <ResultBadge result={s.result} />
          {s.requestCount ? <span className="muted"> ×{s.requestCount}</span> : null}
        </>
      ),
      sortValue: (s) => s.result,
    },
    {
      key: 'identity',
      header: 'Identity',
      render: identity,
      sortValue: (s) => s.managedServiceIdentity.identityResourceId ?? s.appId ?? '',
    },
    {
      key: 'calling',
      header: 'Calling resource',
      render: (s) => <ResourceName id={s.managedServiceIdentity.associatedResourceId} />,
      sortValue: (s) => s.managedServiceIdentity.associatedResourceId ?? '',
    },
    {
      key: 'aud',
      header: 'Audience',
      render: (s) => (s.resourceId ? <OperationText op={s.resourceId} dots /> : '—'),
      sortValue: (s) => s.resourceId ?? '',
    },
    { key: 'flow', header: 'Flow', className: 'nowrap', render: (s) => flowLabel(s.flow), sortValue: (s) => s.flow },
    {
      key: 'latency',
      header: 'Latency',
      className: 'nowrap',
      render: (s) => latency(s.durationMs),
      sortValue: (s) => s.durationMs,
    },
    {
      key: 'error',
      header: 'Error',
      className: 'nowrap',
      render: (s) =>
        s.status.errorCode ? (
          <span className="mono" title={s.status.failureReason ?? ''}>
            {s.status.errorCode}
          </span>
        ) : (
          ''
        ),
      sortValue: (s) => s.status.errorCode ?? '',
    },
    {
      key: 'details',
      header: 'Details',
      render: (s) => (
        <button
          type="button"
          onClick={() => setOpen(s)}
          aria-label={`Details of ${s.result === 'success' ? 'successful' : 'failed'} ${flowLabel(s.flow)} sign-in${who(s)} at ${when(s)}`}
        >
          Details
        </button>
      ),
    },
  ];
  return (
    <section>
      <PageHeader
        title="Sign-in log"
        subtitle="Every token request to openmi, successful or not: which identity, asked from which resource, for which audience."
        actions={
          <button type="button" onClick={exportAll} disabled={exporting.busy}>
            {exporting.busy ? 'Exporting…' : 'Export JSON lines'}
          </button>
        }
      />
      <SignInFilterForm key={qs} initial={filters} onApply={apply} />
      <ErrorBanner error={exporting.error} title="The export failed." />
      {exporting.done !== undefined ? (
        <Notice>Exported {exporting.done} sign-ins matching these filters as JSON lines (one record per line).</Notice>
      ) : null}
      <ErrorBanner error={log.error} title="The sign-in log could not be read." />
      <PagedLogTable
        log={log}
        noun={['sign-in', 'sign-ins'] as const}
        caption="Sign-in log"
        columns={columns}
        rowKey={(s) => s.id}
        empty={<Empty filters={filters} hasMore={log.hasMore} />}
      />
      <DetailDialog
        title={open ? `Sign-in at ${when(open)}` : 'Sign-in'}
        fields={open ? signInDetail(open, principal(open.servicePrincipalId) ?? principal(open.appId)) : null}
        raw={open}
        onClose={() => setOpen(null)}
      />
    </section>
  );
}

function Empty({ filters, hasMore }: { filters: SignInFilters; hasMore: boolean }) {
  return (
    <EmptyState title="No sign-ins in this time range">
      <p>
        No token request matched in the {rangeLabel(filters.time)}
        {hasMore ? ' among the records read so far; press Load more to search older ones' : ''}. Widen the Time range or
        clear some filters, then press Apply filters.
      </p>
      <p>
        A workload signs in when it asks for a token, e.g.{' '}
        <code>openmi run --resource &lt;resource id&gt; -- node app.js</code>.
      </p>
    </EmptyState>
  );
}
