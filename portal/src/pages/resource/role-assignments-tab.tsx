import type { ReactNode } from 'react';
import { groupOf, listIdentities } from '../../api/identities.js';
import type { ComputeResourceWire } from '../../api/resources.js';
import { listRoleAssignmentsAt, roleNames } from '../../api/role-assignments.js';
import { describeScope } from '../../components/arm-ids.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { EmptyState, ErrorBanner, Loading } from '../../components/feedback.js';
import { useAsync } from '../../components/use-async.js';
import { Link, pathOf } from '../../router.js';
import { useSubscription } from '../../subscription.js';

interface Row {
  id: string;
  role: string;
  principal: ReactNode;
  principalId: string;
  principalType: string;
  scope: string;
}

async function load(sub: string, me: string, r: ComputeResourceWire): Promise<Row[]> {
  const [assignments, roles, identities] = await Promise.all([
    listRoleAssignmentsAt(r.id),
    roleNames(sub),
    listIdentities(sub),
  ]);
  const named = new Map<string, ReactNode>(
    identities.map((i) => [
      i.properties.principalId.toLowerCase(),
      <Link to={pathOf('identities', groupOf(i.id), i.name)}>{i.name}</Link>,
    ]),
  );
  if (r.identity?.principalId) named.set(r.identity.principalId.toLowerCase(), `${r.name} (system-assigned)`);
  named.set(me.toLowerCase(), 'You');
  return assignments.map((a) => ({
    id: a.id,
    role: roles.nameOf(a.properties.roleDefinitionId),
    principal: named.get(a.properties.principalId.toLowerCase()) ?? <span className="muted">Unknown</span>,
    principalId: a.properties.principalId,
    principalType: a.properties.principalType,
    scope: describeScope(a.properties.scope, { from: r.id }),
  }));
}

const COLUMNS: Column<Row>[] = [
  { key: 'role', header: 'Role', render: (a) => a.role, sortValue: (a) => a.role },
  { key: 'principal', header: 'Principal', render: (a) => a.principal },
  {
    key: 'principalId',
    header: 'Principal ID',
    render: (a) => <span className="mono res-id">{a.principalId}</span>,
    sortValue: (a) => a.principalId,
  },
  { key: 'type', header: 'Principal type', render: (a) => a.principalType, sortValue: (a) => a.principalType },
  { key: 'scope', header: 'Scope', render: (a) => a.scope, sortValue: (a) => a.scope },
];

/** Read-only: who holds which role on this resource, directly or inherited from above. */
export function RoleAssignmentsTab({ resource: r }: { resource: ComputeResourceWire }) {
  const { subscriptionId, principalId } = useSubscription();
  const rows = useAsync(() => load(subscriptionId, principalId, r), [subscriptionId, principalId, r.id]);
  return (
    <section className="res-tab" aria-labelledby="ra-title">
      <h2 id="ra-title">Role assignments at this resource</h2>
      <p className="muted res-note">
        Assignments on {r.name} itself and those it inherits from its resource group and subscription. This list is
        read-only.
      </p>
      <ErrorBanner error={rows.error} title="The role assignments could not be loaded." />
      {rows.loading && !rows.data ? <Loading what="role assignments" /> : null}
      {rows.data ? (
        <DataTable
          caption={`Role assignments at ${r.name}`}
          columns={COLUMNS}
          rows={rows.data}
          rowKey={(a) => a.id}
          initialSort={{ key: 'role', dir: 'asc' }}
          empty={
            <EmptyState title="No role assignments at this resource">
              <p>Grant a role on this resource from a shell:</p>
              <pre>openmi role assignment create --assignee PRINCIPAL_ID --role Reader --scope {r.id}</pre>
            </EmptyState>
          }
        />
      ) : null}
    </section>
  );
}
