import { useState } from 'react';
import { groupOf } from '../../api/identities.js';
import { detachIdentity, supportsUserAssigned, typeLabel } from '../../api/resources.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { EmptyState, ErrorBanner } from '../../components/feedback.js';
import { Link, pathOf } from '../../router.js';
import { useSubscription } from '../../subscription.js';
import { AttachIdentityDialog } from './attach-identity-dialog.js';
import type { IdentitySectionProps } from './identity-tab.js';
import { nameOf } from '../../components/arm-ids.js';

interface Attached {
  id: string;
  name: string;
  group: string;
  clientId: string;
  principalId: string;
}

function attachedOf(props: IdentitySectionProps): Attached[] {
  return Object.entries(props.resource.identity?.userAssignedIdentities ?? {}).map(([id, v]) => ({
    id,
    name: nameOf(id),
    group: groupOf(id),
    clientId: v.clientId,
    principalId: v.principalId,
  }));
}

/** The attached user-assigned identities, with Detach per row and Attach. */
export function UserAssignedSection(props: IdentitySectionProps) {
  const { resource: r, resourceKey, onChanged } = props;
  const { subscriptionId } = useSubscription();
  const [attaching, setAttaching] = useState(false);
  const [detaching, setDetaching] = useState<string>();
  const [error, setError] = useState<unknown>();
  if (!supportsUserAssigned(r.type)) {
    return (
      <section className="panel res-section" aria-labelledby="user-title">
        <h2 id="user-title">User assigned</h2>
        <p className="muted">{typeLabel(r.type)}s support only a system-assigned identity.</p>
      </section>
    );
  }
  const detach = async (a: Attached) => {
    setDetaching(a.id);
    setError(undefined);
    try {
      await detachIdentity(subscriptionId, r, resourceKey, a.id);
      onChanged(`Detached ${a.name} from ${r.name}.`);
    } catch (e) {
      setError(e);
    } finally {
      setDetaching(undefined);
    }
  };
  const columns: Column<Attached>[] = [
    {
      key: 'name',
      header: 'Name',
      render: (a) => <Link to={pathOf('identities', a.group, a.name)}>{a.name}</Link>,
      sortValue: (a) => a.name,
    },
    { key: 'group', header: 'Resource group', render: (a) => a.group, sortValue: (a) => a.group },
    { key: 'client', header: 'Client ID', render: (a) => <span className="mono res-id">{a.clientId}</span> },
    { key: 'principal', header: 'Principal ID', render: (a) => <span className="mono res-id">{a.principalId}</span> },
    {
      key: 'actions',
      header: 'Actions',
      render: (a) => (
        <button
          type="button"
          aria-label={`Detach ${a.name} (resource group ${a.group})`}
          onClick={() => void detach(a)}
          disabled={detaching !== undefined}
        >
          {detaching === a.id ? 'Detaching…' : 'Detach'}
        </button>
      ),
    },
  ];
  const attachButton = (
    <button type="button" onClick={() => setAttaching(true)}>
      Attach user-assigned identity
    </button>
  );
  const attached = attachedOf(props);
  return (
    <section className="panel res-section" aria-labelledby="user-title">
      <div className="res-section-head">
        <div>
          <h2 id="user-title">User assigned</h2>
          <p className="muted res-note">
            Standalone identities that several resources can share; detaching one leaves it and its role assignments in
            place.
          </p>
        </div>
        {attached.length > 0 ? attachButton : null}
      </div>
      <ErrorBanner error={error} title="The identity could not be detached." />
      <DataTable
        caption={`User-assigned identities attached to ${r.name}`}
        columns={columns}
        rows={attached}
        rowKey={(a) => a.id}
        initialSort={{ key: 'name', dir: 'asc' }}
        empty={
          <EmptyState title="No user-assigned identities attached">
            <p>Attach an identity from this subscription so workloads on {r.name} can use it.</p>
            <p>{attachButton}</p>
          </EmptyState>
        }
      />
      <AttachIdentityDialog
        {...props}
        attached={attached.map((a) => a.id)}
        open={attaching}
        onClose={() => setAttaching(false)}
        onAttached={(n) => onChanged(`Attached ${n} to ${r.name}.`)}
      />
    </section>
  );
}
