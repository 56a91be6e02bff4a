import { useState, type ReactNode } from 'react';
import {
  deleteRoleAssignment,
  listAssignmentsOf,
  roleNames,
  type RoleAssignmentWire,
} from '../../api/role-assignments.js';
import { describeScope } from '../../components/arm-ids.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import type { Column } from '../../components/data-table.js';
import { useAsync } from '../../components/use-async.js';
import { useSubscription } from '../../subscription.js';

/**
 * The role assignments of one principal (an identity or a directory group) in the subscription,
 * and inherited ones at '/', with the role names to show them by and the one being removed.
 */
export function usePrincipalAssignments(principalId: string) {
  const { subscriptionId } = useSubscription();
  const roles = useAsync(() => roleNames(subscriptionId), [subscriptionId]);
  const list = useAsync(() => listAssignmentsOf(subscriptionId, principalId), [subscriptionId, principalId]);
  const [removing, setRemoving] = useState<RoleAssignmentWire>();
  const nameOf = roles.data?.nameOf ?? (() => '…');
  return { roles, list, removing, setRemoving, nameOf };
}

/** Role and Scope, the columns every list of a principal's assignments starts with. */
export function roleAndScopeColumns(nameOf: (roleDefinitionId: string) => string): Column<RoleAssignmentWire>[] {
  return [
    {
      key: 'role',
      header: 'Role',
      sortValue: (a) => nameOf(a.properties.roleDefinitionId),
      render: (a) => <strong>{nameOf(a.properties.roleDefinitionId)}</strong>,
    },
    {
      key: 'scope',
      header: 'Scope',
      className: 'mi-col-wide',
      sortValue: (a) => a.properties.scope,
      render: (a) => (
        <>
          {describeScope(a.properties.scope)}
          <br />
          <span className="mono muted">{a.properties.scope}</span>
        </>
      ),
    },
  ];
}

/** Asks before deleting `removing`; `children` says what the principal loses. */
export function RemoveAssignmentDialog(props: {
  removing: RoleAssignmentWire;
  onClose: () => void;
  onRemoved: () => void;
  children: ReactNode;
}) {
  return (
    <ConfirmDialog
      title="Remove this role assignment?"
      confirmLabel="Remove role assignment"
      onClose={props.onClose}
      onConfirm={async () => {
        await deleteRoleAssignment(props.removing.id);
        props.onRemoved();
      }}
    >
      {props.children}
    </ConfirmDialog>
  );
}
