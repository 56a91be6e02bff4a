import { memberOf, type DirectoryObject } from '../../api/groups.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { EmptyState, ErrorBanner, Loading } from '../../components/feedback.js';
import { useAsync } from '../../components/use-async.js';
import { Link, pathOf } from '../../router.js';

/** The groups a principal is in, directly and through nested groups (Graph memberOf, transitiveMemberOf). */
export function GroupsTab({ principalId }: { principalId: string }) {
  const direct = useAsync(() => memberOf(principalId, false), [principalId]);
  const all = useAsync(() => memberOf(principalId, true), [principalId]);
  const directIds = new Set((direct.data ?? []).map((g) => g.id));
  const columns: Column<DirectoryObject>[] = [
    {
      key: 'name',
      header: 'Group',
      sortValue: (g) => g.displayName,
      render: (g) => <Link to={pathOf('groups', g.id)}>{g.displayName}</Link>,
    },
    {
      key: 'how',
      header: 'Membership',
      sortValue: (g) => String(!directIds.has(g.id)),
      render: (g) => (directIds.has(g.id) ? 'Direct' : 'Through a nested group'),
    },
    { key: 'id', header: 'Object ID', sortValue: (g) => g.id, render: (g) => <span className="mono">{g.id}</span> },
  ];
  return (
    <>
      <h2 className="mi-tab-title">Groups</h2>
      <p className="muted">The roles of every group listed here apply to this identity.</p>
      <ErrorBanner error={direct.error ?? all.error} title="The groups could not be loaded." />
      {!direct.data || !all.data ? <Loading what="groups" /> : null}
      {direct.data && all.data ? (
        <DataTable
          caption="Groups of this identity"
          columns={columns}
          rows={all.data}
          rowKey={(g) => g.id}
          initialSort={{ key: 'name', dir: 'asc' }}
          empty={
            <EmptyState title="This identity is in no group">
              <p>Add it from a group's page, or run</p>
              <pre className="mi-cmd">openmi directory-group member add -g &lt;group&gt; --member-id {principalId}</pre>
            </EmptyState>
          }
        />
      ) : null}
    </>
  );
}
