import { deleteIdentity, type IdentityWire } from '../../api/identities.js';
import { navigate } from '../../router.js';
import { useSubscription } from '../../subscription.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';

interface Props {
  identity: IdentityWire;
  resourceGroup: string;
  onClose: () => void;
}

/** Says exactly what the server's delete cascade does (src/server/identities/user-assigned.ts). */
export function DeleteIdentityDialog({ identity, resourceGroup, onClose }: Props) {
  const { subscriptionId } = useSubscription();
  return (
    <ConfirmDialog
      title={`Delete identity ${identity.name}?`}
      confirmLabel="Delete identity"
      onClose={onClose}
      onConfirm={async () => {
        await deleteIdentity(subscriptionId, resourceGroup, identity.name);
        navigate('/identities');
      }}
    >
      <p>In one step, openmi will:</p>
      <ul className="mi-list">
        <li>detach it from every resource that carries it, so their workloads can no longer get its tokens;</li>
        <li>
          delete its federated credentials, so outside workloads can no longer exchange their tokens for its tokens;
        </li>
        <li>delete its role assignments and remove its principal from the directory.</li>
      </ul>
      <p>
        This cannot be undone. An identity created again with the same name gets a new client ID and principal ID, so
        apps configured with client ID <code>{identity.properties.clientId}</code> and its role assignments would have
        to be set up again.
      </p>
      <p>To see what depends on it first, use “View impact”.</p>
    </ConfirmDialog>
  );
}
