import { useMemo, useState } from 'react';
import { COMPUTE_TYPES } from '../api/api-versions.js';
import { groupOf } from '../api/identities.js';
import { identitySummary, listAllResources, typeLabel, type ComputeResourceWire } from '../api/resources.js';
import { DataTable, type Column } from '../components/data-table.js';
import { EmptyState, ErrorBanner, Loading, Notice, PageHeader } from '../components/feedback.js';
import { SelectField, TextField } from '../components/fields.js';
import { useAsync } from '../components/use-async.js';
import { Link, useRoute } from '../router.js';
import { useSubscription } from '../subscription.js';
import { CreateResourceDialog } from './resource/create-resource-dialog.js';
import { resourcePath } from '../components/arm-ids.js';
import './resource/resource.css';

const COLUMNS: Column<ComputeResourceWire>[] = [
  {
    key: 'name',
    header: 'Name',
    render: (r) => <Link to={resourcePath(groupOf(r.id), r.type, r.name)}>{r.name}</Link>,
    sortValue: (r) => r.name,
  },
  { key: 'type', header: 'Type', render: (r) => typeLabel(r.type), sortValue: (r) => typeLabel(r.type) },
  { key: 'group', header: 'Resource group', render: (r) => groupOf(r.id), sortValue: (r) => groupOf(r.id) },
  { key: 'location', header: 'Location', render: (r) => r.location, sortValue: (r) => r.location },
  { key: 'identity', header: 'Identity', render: (r) => identitySummary(r), sortValue: (r) => identitySummary(r) },
];

const TYPE_OPTIONS = [
  { value: '', label: 'All types' },
  ...COMPUTE_TYPES.map((t) => ({ value: t.type, label: t.label })),
];

function matches(r: ComputeResourceWire, text: string, type: string): boolean {
  if (type && r.type.toLowerCase() !== type.toLowerCase()) return false;
  const q = text.trim().toLowerCase();
  if (!q) return true;
  return [r.name, groupOf(r.id), r.location, typeLabel(r.type), identitySummary(r)].some((v) =>
    v.toLowerCase().includes(q),
  );
}

/** Every compute resource in the subscription, across all hosted types. */
export function ResourcesPage() {
  const { subscriptionId } = useSubscription();
  const route = useRoute();
  const deleted = route.query.get('deleted');
  const list = useAsync(() => listAllResources(subscriptionId), [subscriptionId]);
  const [text, setText] = useState('');
  const [type, setType] = useState('');
  const [creating, setCreating] = useState(false);
  const rows = useMemo(() => (list.data ?? []).filter((r) => matches(r, text, type)), [list.data, text, type]);
  const createButton = (
    <button type="button" className="primary" onClick={() => setCreating(true)}>
      Create resource
    </button>
  );
  const total = list.data?.length ?? 0;
  return (
    <section>
      <PageHeader
        title="Resources"
        subtitle="Compute resources that can carry managed identities."
        actions={createButton}
      />
      {deleted ? (
        <Notice>
          Deleted {deleted}. Its system-assigned identity, if it had one, was deleted with it; user-assigned identities
          were only detached.
        </Notice>
      ) : null}
      <ErrorBanner error={list.error} title="The resources could not be loaded." />
      {total > 0 ? (
        <div className="filters" role="search" aria-label="Resource filters">
          <TextField
            label="Filter resources"
            type="search"
            value={text}
            onChange={setText}
            placeholder="Name, group, location…"
          />
          <SelectField label="Type" value={type} onChange={setType} options={TYPE_OPTIONS} />
        </div>
      ) : null}
      {list.loading && !list.data ? <Loading what="resources" /> : null}
      {list.data ? (
        total === 0 ? (
          <EmptyState title="No resources yet">
            <p>Create a virtual machine, web app or container to give it a managed identity.</p>
            <p>{createButton}</p>
            <p>
              Or from a shell:{' '}
              <code>openmi resource create --type Microsoft.Compute/virtualMachines -g rg1 -n vm1</code>
            </p>
          </EmptyState>
        ) : (
          <>
            <p className="muted" aria-live="polite">
              {rows.length === total
                ? `${total} resource${total === 1 ? '' : 's'}`
                : `${rows.length} of ${total} resources match`}
            </p>
            <DataTable
              caption="Compute resources"
              columns={COLUMNS}
              rows={rows}
              rowKey={(r) => r.id}
              initialSort={{ key: 'name', dir: 'asc' }}
              empty={
                <EmptyState title="No resources match the filter">
                  Clear "Filter resources" or choose "All types".
                </EmptyState>
              }
            />
          </>
        )
      ) : null}
      <CreateResourceDialog open={creating} onClose={() => setCreating(false)} />
    </section>
  );
}
