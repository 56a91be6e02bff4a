import { useState } from 'react';
import { deleteGroup, getGroup, type DirectoryObject } from '../../api/groups.js';
import type { RoleAssignmentWire } from '../../api/role-assignments.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { EmptyState, ErrorBanner, Loading, PageHeader } from '../../components/feedback.js';
import { useAsync } from '../../components/use-async.js';
import { Link, navigate, pathOf, useRoute } from '../../router.js';
import { TabPanel, Tabs } from '../../components/tabs.js';
import { GroupAccessReviewTab } from '../access/group-access-review.js';
import { GroupMembers } from './group-members.js';
import {
  RemoveAssignmentDialog,
  roleAndScopeColumns,
  usePrincipalAssignments,
} from '../identity/principal-assignments.js';
import '../identity/identity.css';

/** The group's role assignments in the subscription (and at '/'); each applies to every transitive member. */
function GroupRoles({ group }: { group: DirectoryObject }) {
  const { roles, list, removing, setRemoving, nameOf } = usePrincipalAssignments(group.id);
  const columns: Column<RoleAssignmentWire>[] = [
    ...roleAndScopeColumns(nameOf),
    {
      key: 'actions',
      header: 'Actions',
      render: (a) => (
        <button type="button" className="danger" onClick={() => setRemoving(a)}>
          Remove
        </button>
      ),
    },
  ];
  return (
    <>
      <h2 className="mi-subtitle">Role assignments</h2>
      <p className="muted">
        Add one with{' '}
        <code>openmi role assignment create --assignee {group.id} --role &lt;role&gt; --scope &lt;scope&gt;</code>;
        before removing one, <code>openmi directory-group impact -g {group.id} --assignment &lt;id&gt;</code> lists what
        each member would lose.
      </p>
      <ErrorBanner error={list.error ?? roles.error} title="The role assignments could not be loaded." />
      {!list.data || !roles.data ? <Loading what="role assignments" /> : null}
      {list.data && roles.data ? (
        <DataTable
          caption={`Role assignments of ${group.displayName}`}
          columns={columns}
          rows={list.data}
          rowKey={(a) => a.id}
          initialSort={{ key: 'role', dir: 'asc' }}
          empty={<EmptyState title="This group has no role assignments" />}
        />
      ) : null}
      {removing ? (
        <RemoveAssignmentDialog removing={removing} onClose={() => setRemoving(undefined)} onRemoved={list.reload}>
          <p>
            Every member of {group.displayName} loses the role{' '}
            <strong>{nameOf(removing.properties.roleDefinitionId)}</strong> at{' '}
            <code className="mi-wrap">{removing.properties.scope}</code>, unless another assignment grants it.
          </p>
        </RemoveAssignmentDialog>
      ) : null}
    </>
  );
}

const TABS = [
  { id: 'overview', label: 'Members and roles' },
  { id: 'access-review', label: 'Access review' },
] as const;

/** `#/groups/{id}`: one group, its members and its role assignments, and what its members used of them. */
export function GroupDetailPage({ id }: { id: string }) {
  const group = useAsync(() => getGroup(id), [id]);
  const route = useRoute();
  const tab = TABS.find((t) => t.id === route.query.get('tab'))?.id ?? 'overview';
  const selectTab = (t: string) => navigate(`${pathOf('groups', id)}?tab=${t}`, { replace: true });
  const [deleting, setDeleting] = useState(false);
  const g = group.data;
  const crumb = (
    <p className="mi-crumb">
      <Link to="/groups">Groups</Link>
    </p>
  );
  if (!g)
    return (
      <section>
        {crumb}
        {group.loading ? (
          <Loading what="the group" />
        ) : (
          <ErrorBanner error={group.error} title="The group could not be loaded." />
        )}
      </section>
    );
  const actions = (
    <button type="button" className="danger" onClick={() => setDeleting(true)}>
      Delete group
    </button>
  );
  return (
    <section>
      {crumb}
      <PageHeader title={g.displayName} subtitle={g.description ?? 'Security group'} actions={actions} />
      <p className="muted">
        Object ID <span className="mono">{g.id}</span>
      </p>
      <Tabs label="Group sections" tabs={TABS} active={tab} onChange={selectTab} />
      <TabPanel id={tab}>
        {tab === 'overview' ? (
          <>
            <GroupMembers group={g} />
            <GroupRoles group={g} />
          </>
        ) : (
          <GroupAccessReviewTab groupId={g.id} name={g.displayName} />
        )}
      </TabPanel>
      {deleting ? (
        <ConfirmDialog
          title={`Delete group ${g.displayName}?`}
          confirmLabel="Delete group"
          onClose={() => setDeleting(false)}
          onConfirm={async () => {
            await deleteGroup(g.id);
            navigate('/groups');
          }}
        >
          <p>Its memberships and its role assignments go with it: its members lose what the group granted them.</p>
        </ConfirmDialog>
      ) : null}
    </section>
  );
}
