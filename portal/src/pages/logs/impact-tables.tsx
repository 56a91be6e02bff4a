import type { CallerUsage, IdentityImpact, IdentityUsage } from '../../api/usage.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { EmptyState, Time } from '../../components/feedback.js';
import { usedSince } from './impact-summary.js';
import { ResourceName } from './resource-link.js';

type Carrier = IdentityImpact['resources'][number];
type Assignment = IdentityUsage['roleAssignments'][number];

export function CarriersTable({
  impact,
  days,
  forAssignment,
}: {
  impact: IdentityImpact;
  days: number;
  forAssignment: boolean;
}) {
  const columns: Column<Carrier>[] = [
    { key: 'res', header: 'Resource', render: (r) => <ResourceName id={r.id} />, sortValue: (r) => r.id },
    {
      key: 'last',
      header: 'Last token request',
      className: 'nowrap',
      render: (r) => <Time iso={r.lastUse} />,
      sortValue: (r) => r.lastUse ?? '',
    },
    {
      key: 'recent',
      header: `Used in last ${days} days`,
      render: (r) =>
        usedSince(r.lastUse, days) ? (
          <span className="badge bad">Yes: would break</span>
        ) : (
          <span className="badge">No</span>
        ),
      sortValue: (r) => (usedSince(r.lastUse, days) ? 1 : 0),
    },
  ];
  const empty = forAssignment ? (
    <EmptyState title="No resource used this identity while the sign-in log kept records">
      Removing this role assignment affects no recorded caller.
    </EmptyState>
  ) : (
    <EmptyState title="No resource carries this identity">
      Attach it with the Identity tab of a resource, or{' '}
      <code>openmi resource identity assign --user-assigned NAME …</code>.
    </EmptyState>
  );
  return (
    <DataTable
      caption="Resources affected"
      columns={columns}
      rows={impact.resources}
      rowKey={(r) => r.id}
      initialSort={{ key: 'last', dir: 'desc' }}
      empty={empty}
    />
  );
}

const usageColumns: Column<CallerUsage>[] = [
  {
    key: 'res',
    header: 'Calling resource',
    render: (u) => <ResourceName id={u.callingResourceId} />,
    sortValue: (u) => u.callingResourceId,
  },
  {
    key: 'first',
    header: 'First use',
    className: 'nowrap',
    render: (u) => <Time iso={u.firstUse} />,
    sortValue: (u) => u.firstUse ?? '',
  },
  {
    key: 'last',
    header: 'Last use',
    className: 'nowrap',
    render: (u) => <Time iso={u.lastUse} />,
    sortValue: (u) => u.lastUse ?? '',
  },
  { key: 'ok', header: 'Successful requests', render: (u) => u.successes, sortValue: (u) => u.successes },
  { key: 'bad', header: 'Failed requests', render: (u) => u.failures, sortValue: (u) => u.failures },
];

export function CallersTable({ usage }: { usage: IdentityUsage }) {
  return (
    <DataTable
      caption="Token requests per calling resource"
      columns={usageColumns}
      rows={usage.usage}
      rowKey={(u) => u.callingResourceId}
      initialSort={{ key: 'last', dir: 'desc' }}
      empty={
        <EmptyState title="No token requests recorded">
          No workload asked for a token with this identity while the sign-in log kept records.
        </EmptyState>
      }
    />
  );
}

export function AssignmentsTable({
  usage,
  roleName,
  onPick,
}: {
  usage: IdentityUsage;
  roleName: (defId: string) => string;
  onPick: (id: string) => void;
}) {
  const columns: Column<Assignment>[] = [
    {
      key: 'role',
      header: 'Role',
      render: (a) => roleName(a.roleDefinitionId),
      sortValue: (a) => roleName(a.roleDefinitionId),
    },
    {
      key: 'scope',
      header: 'Scope',
      render: (a) => <span className="mono">{a.scope}</span>,
      sortValue: (a) => a.scope,
    },
    {
      key: 'act',
      header: 'Impact',
      render: (a) => (
        <button
          type="button"
          onClick={() => onPick(a.id)}
          aria-label={`Impact of removing ${roleName(a.roleDefinitionId)} at ${a.scope}`}
        >
          Impact of removing
        </button>
      ),
    },
  ];
  return (
    <DataTable
      caption="Role assignments held by the identity"
      columns={columns}
      rows={usage.roleAssignments}
      rowKey={(a) => a.id}
      empty={
        <EmptyState title="This identity holds no role assignments">
          Its tokens grant no access to openmi resources; give it one with{' '}
          <code>openmi role assignment create --assignee {usage.principalId} --role Reader -g RG</code>.
        </EmptyState>
      }
    />
  );
}
