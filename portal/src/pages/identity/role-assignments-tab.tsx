import { useState } from 'react';
import type { IdentityWire } from '../../api/identities.js';
import type { RoleAssignmentWire } from '../../api/role-assignments.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { EmptyState, ErrorBanner, Loading, Time } from '../../components/feedback.js';
import { AddRoleDialog } from './add-role-dialog.js';
import { RemoveAssignmentDialog, roleAndScopeColumns, usePrincipalAssignments } from './principal-assignments.js';

/** This identity's role assignments anywhere in the subscription, and inherited ones at '/'. */
export function RoleAssignmentsTab({ identity }: { identity: IdentityWire }) {
  const principalId = identity.properties.principalId;
  const { roles, list, removing, setRemoving, nameOf } = usePrincipalAssignments(principalId);
  const [adding, setAdding] = useState(false);

  const columns: Column<RoleAssignmentWire>[] = [
    ...roleAndScopeColumns(nameOf),
    {
      key: 'created',
      header: 'Created',
      className: 'mi-nowrap',
      sortValue: (a) => a.properties.createdOn ?? '',
      render: (a) => <Time iso={a.properties.createdOn} />,
    },
    {
      key: 'actions',
      header: 'Actions',
      render: (a) => (
        <button
          type="button"
          className="danger"
          aria-label={`Remove role assignment ${nameOf(a.properties.roleDefinitionId)} at ${a.properties.scope}`}
          onClick={() => setRemoving(a)}
        >
          Remove
        </button>
      ),
    },
  ];

  return (
    <>
      <div className="mi-tab-head">
        <h2 className="mi-tab-title">Role assignments</h2>
        <button type="button" className="primary" onClick={() => setAdding(true)} disabled={!roles.data}>
          Add role assignment
        </button>
      </div>
      <p className="muted">What this identity may do. A role at a scope applies to everything below it.</p>
      <ErrorBanner error={roles.error} title="The role definitions could not be loaded." />
      <ErrorBanner error={list.error} title="The role assignments could not be loaded." />
      {(list.loading && !list.data) || (roles.loading && !roles.data) ? <Loading what="role assignments" /> : null}
      {list.data && roles.data ? (
        <DataTable
          caption="Role assignments of this identity"
          columns={columns}
          rows={list.data}
          rowKey={(a) => a.id}
          initialSort={{ key: 'role', dir: 'asc' }}
          empty={
            <EmptyState title="This identity has no role assignments">
              <p>
                Tokens of an identity without roles are accepted but allowed nothing. Use “Add role assignment”, or run
              </p>
              <pre className="mi-cmd">
                openmi role assignment create --assignee {principalId} --role Reader -g &lt;group&gt;
              </pre>
            </EmptyState>
          }
        />
      ) : null}
      {roles.data && adding ? (
        <AddRoleDialog
          identity={identity}
          roles={roles.data.defs}
          onClose={() => setAdding(false)}
          onAdded={list.reload}
        />
      ) : null}
      {removing ? (
        <RemoveAssignmentDialog removing={removing} onClose={() => setRemoving(undefined)} onRemoved={list.reload}>
          <p>
            {identity.name} loses the role <strong>{nameOf(removing.properties.roleDefinitionId)}</strong> at{' '}
            <code className="mi-wrap">{removing.properties.scope}</code>. From then on it may no longer do what that
            role allowed there, unless another of its assignments allows it.
          </p>
        </RemoveAssignmentDialog>
      ) : null}
    </>
  );
}
