import { useState } from 'react';
import { activityPage, type ActivityEventWire } from '../api/activity-log.js';
import type { Column } from '../components/data-table.js';
import { EmptyState, ErrorBanner, PageHeader, Time } from '../components/feedback.js';
import { navigate } from '../router.js';
import { useSubscription } from '../subscription.js';
import {
  activityFiltersFromQuery,
  activityFiltersToQuery,
  ActivityFilterForm,
  type ActivityFilters,
} from './logs/activity-filters.js';
import { DetailDialog, type DetailField } from './logs/detail-dialog.js';
import { usePrincipalNames } from './logs/principals.js';
import { OperationText, ResourceName } from './logs/resource-link.js';
import { nameOf } from '../components/arm-ids.js';
import { rangeBounds, rangeLabel } from './logs/time-range.js';
import { usePagedLog } from './logs/use-paged-log.js';
import { PagedLogTable } from './logs/paged-log-table.js';
import './logs/logs.css';

const opName = (e: ActivityEventWire) => e.operationName?.localizedValue || e.operationName?.value || '';

/**
 * The server's $filter takes the time range, an exact resource id, the resource group and the
 * caller; operation text, a partial resource id and the result are matched here in the browser.
 */
function serverFilter(f: ActivityFilters) {
  const exactId = f.resource.startsWith('/');
  return {
    ...rangeBounds(f.time),
    resourceUri: exactId ? f.resource : undefined,
    resourceGroupName: f.group || undefined,
    caller: f.caller || undefined,
  };
}

function browserFilter(f: ActivityFilters): (e: ActivityEventWire) => boolean {
  const op = f.operation.toLowerCase();
  const partial = f.resource.startsWith('/') ? '' : f.resource.toLowerCase();
  return (e) =>
    (!op || opName(e).toLowerCase().includes(op) || e.operationName.value.toLowerCase().includes(op)) &&
    (!partial || e.resourceId.toLowerCase().includes(partial)) &&
    (!f.result || e.status.value === f.result);
}

function StatusBadge({ status }: { status: string }) {
  return <span className={`badge ${status === 'Failed' ? 'bad' : status === 'Succeeded' ? 'ok' : ''}`}>{status}</span>;
}

function detailFields(e: ActivityEventWire, who: string | undefined): DetailField[] {
  const p = e.properties ?? {};
  return [
    { label: 'Time', value: <Time iso={e.eventTimestamp} /> },
    { label: 'Operation', value: <span className="mono">{e.operationName.value}</span> },
    { label: 'Status', value: <StatusBadge status={e.status.value} /> },
    { label: 'HTTP status', value: e.subStatus?.value },
    { label: 'Resource', value: <span className="mono">{e.resourceId}</span> },
    { label: 'Resource type', value: e.resourceType?.value },
    { label: 'Resource group', value: e.resourceGroupName },
    { label: 'Caller', value: <span className="mono">{who ? `${e.caller} (${who})` : e.caller}</span> },
    { label: 'Correlation id', value: <span className="mono">{e.correlationId}</span> },
    { label: 'Event id', value: <span className="mono">{e.eventDataId}</span> },
    { label: 'Level', value: e.level },
    { label: 'Principal id', value: p['principalId'] ? <span className="mono">{p['principalId']}</span> : '' },
    {
      label: 'Role definition',
      value: p['roleDefinitionId'] ? <span className="mono">{p['roleDefinitionId']}</span> : '',
    },
    { label: 'Detail', value: p['detail'] ? <span className="mono">{p['detail']}</span> : '' },
  ];
}

export function ActivityLogPage({ query }: { query: URLSearchParams }) {
  const { subscriptionId } = useSubscription();
  const qs = query.toString();
  const filters = activityFiltersFromQuery(query);
  const log = usePagedLog(
    (next) => activityPage(subscriptionId, serverFilter(filters), next),
    `${subscriptionId}?${qs}`,
    browserFilter(filters),
  );
  const nameOfCaller = usePrincipalNames();
  const [open, setOpen] = useState<ActivityEventWire | null>(null);
  const apply = (f: ActivityFilters) => {
    const next = activityFiltersToQuery(f);
    if (next === qs) log.reload();
    else navigate(`/activity${next ? `?${next}` : ''}`, { replace: true });
  };
  const columns: Column<ActivityEventWire>[] = [
    {
      key: 'time',
      header: 'Time',
      className: 'nowrap',
      render: (e) => <Time iso={e.eventTimestamp} />,
      sortValue: (e) => e.eventTimestamp,
    },
    { key: 'op', header: 'Operation', render: (e) => <OperationText op={opName(e)} />, sortValue: opName },
    {
      key: 'status',
      header: 'Status',
      render: (e) => <StatusBadge status={e.status.value} />,
      sortValue: (e) => e.status.value,
    },
    {
      key: 'resource',
      header: 'Resource',
      render: (e) => <ResourceName id={e.resourceId} />,
      sortValue: (e) => e.resourceId,
    },
    {
      key: 'caller',
      header: 'Caller',
      render: (e) => <Caller id={e.caller} name={nameOfCaller(e.caller)} />,
      sortValue: (e) => nameOfCaller(e.caller) ?? e.caller,
    },
    {
      key: 'details',
      header: 'Details',
      render: (e) => (
        <button
          type="button"
          onClick={() => setOpen(e)}
          aria-label={`Details of ${opName(e)} on ${nameOf(e.resourceId)} at ${new Date(e.eventTimestamp).toLocaleString()}`}
        >
          Details
        </button>
      ),
    },
  ];
  return (
    <section>
      <PageHeader
        title="Activity log"
        subtitle="Every control-plane write in this subscription (creates, updates, deletes, actions), who made it and whether it succeeded. Reads are not logged."
      />
      <ActivityFilterForm key={qs} initial={filters} onApply={apply} />
      <ErrorBanner error={log.error} title="The activity log could not be read." />
      <PagedLogTable
        log={log}
        noun={['event', 'events'] as const}
        caption="Activity log events"
        columns={columns}
        rowKey={(e) => e.eventDataId}
        empty={<Empty filters={filters} hasMore={log.hasMore} />}
      />
      <DetailDialog
        title={open ? `${opName(open)}` : 'Event'}
        fields={open ? detailFields(open, nameOfCaller(open.caller)) : null}
        raw={open}
        onClose={() => setOpen(null)}
      />
    </section>
  );
}

function Caller({ id, name }: { id: string; name: string | undefined }) {
  return name ? <span title={id}>{name}</span> : <span className="mono">{id}</span>;
}

function Empty({ filters, hasMore }: { filters: ActivityFilters; hasMore: boolean }) {
  return (
    <EmptyState title="No activity in this time range">
      <p>
        Nothing matched in the {rangeLabel(filters.time)}
        {hasMore ? ' among the events read so far; press Load more to search older events' : ''}. Widen the Time range
        (e.g. Last 30 days) or clear some filters, then press Apply filters.
      </p>
      <p>
        Events appear here when someone creates, changes or deletes something, e.g.{' '}
        <code>openmi identity create -g rg1 -n id1</code>.
      </p>
    </EmptyState>
  );
}
