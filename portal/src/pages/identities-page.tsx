import { useMemo, useState } from 'react';
import { groupOf, listIdentities, type IdentityWire } from '../api/identities.js';
import { DataTable, type Column } from '../components/data-table.js';
import { EmptyState, ErrorBanner, Loading, PageHeader } from '../components/feedback.js';
import { TextField } from '../components/fields.js';
import { useAsync } from '../components/use-async.js';
import { Link, pathOf } from '../router.js';
import { useSubscription } from '../subscription.js';
import { CreateIdentityDialog } from './identity/create-identity-dialog.js';
import './identity/identity.css';

const COLUMNS: Column<IdentityWire>[] = [
  {
    key: 'name',
    header: 'Name',
    sortValue: (i) => i.name,
    render: (i) => <Link to={pathOf('identities', groupOf(i.id), i.name)}>{i.name}</Link>,
  },
  { key: 'rg', header: 'Resource group', sortValue: (i) => groupOf(i.id), render: (i) => groupOf(i.id) },
  { key: 'location', header: 'Location', sortValue: (i) => i.location, render: (i) => i.location },
  {
    key: 'client',
    header: 'Client ID',
    className: 'mi-nowrap',
    sortValue: (i) => i.properties.clientId,
    render: (i) => <span className="mono">{i.properties.clientId}</span>,
  },
  {
    key: 'principal',
    header: 'Principal ID',
    className: 'mi-nowrap',
    sortValue: (i) => i.properties.principalId,
    render: (i) => <span className="mono">{i.properties.principalId}</span>,
  },
];

function matches(i: IdentityWire, text: string): boolean {
  const t = text.trim().toLowerCase();
  return !t || [i.name, groupOf(i.id), i.properties.clientId].some((v) => v.toLowerCase().includes(t));
}

/** `#/identities`: the subscription's user-assigned identities. */
export function IdentitiesPage() {
  const { subscriptionId } = useSubscription();
  const list = useAsync(() => listIdentities(subscriptionId), [subscriptionId]);
  const [filter, setFilter] = useState('');
  const [creating, setCreating] = useState(false);
  const rows = useMemo(() => (list.data ?? []).filter((i) => matches(i, filter)), [list.data, filter]);
  const createButton = (
    <button type="button" className="primary" onClick={() => setCreating(true)}>
      Create identity
    </button>
  );
  const total = list.data?.length ?? 0;
  return (
    <section>
      <PageHeader
        title="Managed identities"
        subtitle="User-assigned identities: give one to any number of resources, and their workloads get its tokens."
        actions={createButton}
      />
      <ErrorBanner error={list.error} title="The identities could not be loaded." />
      {list.loading && !list.data ? <Loading what="identities" /> : null}
      {list.data && total === 0 ? (
        <EmptyState title="No user-assigned identities yet">
          <p>Create one with the “Create identity” button, or from a shell:</p>
          <pre className="mi-cmd">openmi identity create -g &lt;resource group&gt; -n &lt;name&gt;</pre>
        </EmptyState>
      ) : null}
      {list.data && total > 0 ? (
        <>
          <div className="filters" role="search">
            <TextField
              label="Filter identities"
              type="search"
              value={filter}
              onChange={setFilter}
              placeholder="Name, resource group or client ID"
            />
          </div>
          <p className="muted" role="status">
            {rows.length === total
              ? `${total} ${total === 1 ? 'identity' : 'identities'}`
              : `${rows.length} of ${total} identities match “${filter.trim()}”`}
          </p>
          <DataTable
            caption="User-assigned identities"
            columns={COLUMNS}
            rows={rows}
            rowKey={(i) => i.id}
            initialSort={{ key: 'name', dir: 'asc' }}
            empty={
              <EmptyState title="No identity matches this filter">
                <p>The filter looks at name, resource group and client ID. Clear it to see all {total}.</p>
              </EmptyState>
            }
          />
        </>
      ) : null}
      {creating ? <CreateIdentityDialog onClose={() => setCreating(false)} /> : null}
    </section>
  );
}
