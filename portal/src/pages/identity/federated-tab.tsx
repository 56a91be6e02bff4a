import { useState } from 'react';
import type { IdentityWire } from '../../api/identities.js';
import {
  deleteFederatedCredential,
  listFederatedCredentials,
  type FederatedCredentialWire,
} from '../../api/federated-credentials.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { EmptyState, ErrorBanner, Loading } from '../../components/feedback.js';
import { useAsync } from '../../components/use-async.js';
import { useSubscription } from '../../subscription.js';
import { AddFederatedDialog } from './add-federated-dialog.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';

/** Trust relationships that let workloads outside openmi exchange their own tokens for this identity's. */
export function FederatedCredentialsTab({
  identity,
  resourceGroup,
}: {
  identity: IdentityWire;
  resourceGroup: string;
}) {
  const { subscriptionId } = useSubscription();
  const list = useAsync(
    () => listFederatedCredentials(subscriptionId, resourceGroup, identity.name),
    [subscriptionId, resourceGroup, identity.name],
  );
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<FederatedCredentialWire>();

  const columns: Column<FederatedCredentialWire>[] = [
    { key: 'name', header: 'Name', sortValue: (f) => f.name, render: (f) => <strong>{f.name}</strong> },
    {
      key: 'issuer',
      header: 'Issuer',
      className: 'mi-col-wide',
      sortValue: (f) => f.properties.issuer,
      render: (f) => <span className="mono">{f.properties.issuer}</span>,
    },
    {
      key: 'subject',
      header: 'Subject',
      className: 'mi-col-wide',
      sortValue: (f) => f.properties.subject,
      render: (f) => <span className="mono">{f.properties.subject}</span>,
    },
    {
      key: 'audiences',
      header: 'Audiences',
      className: 'mi-col-mid',
      render: (f) => <span className="mono">{f.properties.audiences.join(', ')}</span>,
    },
    {
      key: 'actions',
      header: 'Actions',
      render: (f) => (
        <button
          type="button"
          className="danger"
          aria-label={`Remove federated credential ${f.name}`}
          onClick={() => setRemoving(f)}
        >
          Remove
        </button>
      ),
    },
  ];

  return (
    <>
      <div className="mi-tab-head">
        <h2 className="mi-tab-title">Federated credentials</h2>
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          Add federated credential
        </button>
      </div>
      <p className="muted">
        A workload whose token has this issuer and subject can exchange it for this identity’s tokens, without any
        secret.
      </p>
      <ErrorBanner error={list.error} title="The federated credentials could not be loaded." />
      {list.loading && !list.data ? <Loading what="federated credentials" /> : null}
      {list.data ? (
        <DataTable
          caption="Federated credentials of this identity"
          columns={columns}
          rows={list.data}
          rowKey={(f) => f.id}
          initialSort={{ key: 'name', dir: 'asc' }}
          empty={
            <EmptyState title="No federated credentials">
              <p>
                Federation lets workloads that run outside openmi — GitHub Actions, Kubernetes service accounts, another
                cloud — use this identity with their own tokens instead of a secret.
              </p>
              <p>Use “Add federated credential” with the issuer and subject of that workload’s tokens.</p>
            </EmptyState>
          }
        />
      ) : null}
      {adding ? (
        <AddFederatedDialog
          identity={identity}
          resourceGroup={resourceGroup}
          onClose={() => setAdding(false)}
          onAdded={list.reload}
        />
      ) : null}
      {removing ? (
        <ConfirmDialog
          title="Remove this federated credential?"
          confirmLabel="Remove federated credential"
          onClose={() => setRemoving(undefined)}
          onConfirm={async () => {
            await deleteFederatedCredential(subscriptionId, resourceGroup, identity.name, removing.name);
            list.reload();
          }}
        >
          <p>
            Workloads with tokens from <code className="mi-wrap">{removing.properties.issuer}</code> for subject{' '}
            <code className="mi-wrap">{removing.properties.subject}</code> will no longer get {identity.name}’s tokens.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}
