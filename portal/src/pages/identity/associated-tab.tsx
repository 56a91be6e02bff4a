import type { IdentityWire } from '../../api/identities.js';
import { typeLabel } from '../../api/resources.js';
import { portalPathOf } from '../../components/arm-ids.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { EmptyState, ErrorBanner, Loading } from '../../components/feedback.js';
import { useAsync } from '../../components/use-async.js';
import { Link } from '../../router.js';
import { useSubscription } from '../../subscription.js';
import { listAssociatedResources, type AssociatedResource } from './associated.js';

const COLUMNS: Column<AssociatedResource>[] = [
  {
    key: 'name',
    header: 'Name',
    sortValue: (r) => r.name,
    render: (r) => {
      const to = portalPathOf(r.id);
      return to ? <Link to={to}>{r.name}</Link> : r.name;
    },
  },
  {
    key: 'type',
    header: 'Type',
    sortValue: (r) => typeLabel(r.type),
    render: (r) => <span title={r.type}>{typeLabel(r.type)}</span>,
  },
  { key: 'rg', header: 'Resource group', sortValue: (r) => r.resourceGroup, render: (r) => r.resourceGroup },
];

/** The resources that carry this identity (listAssociatedResources). */
export function AssociatedResourcesTab({ identity, resourceGroup }: { identity: IdentityWire; resourceGroup: string }) {
  const { subscriptionId } = useSubscription();
  const rows = useAsync(
    () => listAssociatedResources(subscriptionId, resourceGroup, identity.name),
    [subscriptionId, resourceGroup, identity.name],
  );
  return (
    <>
      <h2 className="mi-tab-title">Associated resources</h2>
      <p className="muted">Resources whose workloads can get this identity’s tokens.</p>
      <ErrorBanner error={rows.error} title="The associated resources could not be loaded." />
      {rows.loading && !rows.data ? <Loading what="associated resources" /> : null}
      {rows.data ? (
        <DataTable
          caption="Resources that use this identity"
          columns={COLUMNS}
          rows={rows.data}
          rowKey={(r) => r.id}
          initialSort={{ key: 'name', dir: 'asc' }}
          empty={
            <EmptyState title="No resource uses this identity">
              <p>
                To attach it, open the resource on the <Link to="/resources">Resources</Link> page and add it in its
                Identity tab, or run
              </p>
              <pre className="mi-cmd">
                openmi resource identity assign --type &lt;type&gt; -g &lt;group&gt; -n &lt;resource&gt; --user-assigned{' '}
                {identity.id}
              </pre>
            </EmptyState>
          }
        />
      ) : null}
    </>
  );
}
