import { useEffect, useState } from 'react';
import { deleteResource, hasSystem, userAssignedIds, type ComputeResourceWire, type ResourceKey } from '../../api/resources.js';
import { FormDialog } from '../../components/modal.js';
import { navigate, pathOf } from '../../router.js';
import { useSubscription } from '../../subscription.js';

interface Props {
  resource: ComputeResourceWire;
  resourceKey: ResourceKey;
  open: boolean;
  onClose: () => void;
}

/** Says what the server's delete cascade takes with it before the admin confirms. */
export function DeleteResourceDialog({ resource: r, resourceKey, open, onClose }: Props) {
  const { subscriptionId } = useSubscription();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    if (open) setError(undefined);
  }, [open]);
  const submit = async () => {
    setBusy(true);
    try {
      await deleteResource(subscriptionId, resourceKey);
      onClose();
      navigate(`${pathOf('resources')}?deleted=${encodeURIComponent(r.name)}`);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const users = userAssignedIds(r).length;
  return (
    <FormDialog title={`Delete ${r.name}?`} open={open} onClose={onClose} onSubmit={submit} submitLabel="Delete" busy={busy} error={error} danger>
      <p>This permanently deletes the resource {r.name}.</p>
      <ul>
        {hasSystem(r) ? (
          <li>
            Its <strong>system-assigned identity</strong> (principal ID <span className="mono">{r.identity?.principalId}</span>) is deleted with it, together with that identity's role
            assignments. Workloads on this resource can no longer get tokens as it.
          </li>
        ) : (
          <li>It has no system-assigned identity, so no identity is deleted.</li>
        )}
        {users > 0 ? <li>Its {users} user-assigned {users === 1 ? 'identity is' : 'identities are'} only detached: they and their role assignments stay.</li> : null}
        <li>Agents enrolled for it and its unused join tokens are removed.</li>
      </ul>
    </FormDialog>
  );
}
