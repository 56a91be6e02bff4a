import {
  deleteResource,
  hasSystem,
  userAssignedIds,
  type ComputeResourceWire,
  type ResourceKey,
} from '../../api/resources.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { navigate, pathOf } from '../../router.js';
import { useSubscription } from '../../subscription.js';

interface Props {
  resource: ComputeResourceWire;
  resourceKey: ResourceKey;
  onClose: () => void;
}

/** Says what the server's delete cascade takes with it before the admin confirms. */
export function DeleteResourceDialog({ resource: r, resourceKey, onClose }: Props) {
  const { subscriptionId } = useSubscription();
  const users = userAssignedIds(r).length;
  return (
    <ConfirmDialog
      title={`Delete ${r.name}?`}
      confirmLabel="Delete"
      onClose={onClose}
      onConfirm={async () => {
        await deleteResource(subscriptionId, resourceKey);
        navigate(`${pathOf('resources')}?deleted=${encodeURIComponent(r.name)}`);
      }}
    >
      <p>This permanently deletes the resource {r.name}.</p>
      <ul>
        {hasSystem(r) ? (
          <li>
            Its <strong>system-assigned identity</strong> (principal ID{' '}
            <span className="mono">{r.identity?.principalId}</span>) is deleted with it, together with that identity's
            role assignments. Workloads on this resource can no longer get tokens as it.
          </li>
        ) : (
          <li>It has no system-assigned identity, so no identity is deleted.</li>
        )}
        {users > 0 ? (
          <li>
            Its {users} user-assigned {users === 1 ? 'identity is' : 'identities are'} only detached: they and their
            role assignments stay.
          </li>
        ) : null}
        <li>Agents enrolled for it and its unused join tokens are removed.</li>
      </ul>
    </ConfirmDialog>
  );
}
