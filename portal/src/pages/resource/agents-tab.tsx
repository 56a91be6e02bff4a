import { useState } from 'react';
import {
  listAgents,
  removeAgent,
  type AgentWire,
  type ComputeResourceWire,
  type JoinTokenWire,
} from '../../api/resources.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { EmptyState, ErrorBanner, Loading, Time } from '../../components/feedback.js';
import { useAsync } from '../../components/use-async.js';
import { JoinTokenDialog, JoinTokenPanel } from './join-token.js';

interface Props {
  resource: ComputeResourceWire;
  onChanged: (message: string) => void;
}

/** Agents serve IMDS / App Service token endpoints for this resource's workloads on a host. */
export function AgentsTab({ resource: r, onChanged }: Props) {
  const agents = useAsync(() => listAgents(r.id), [r.id]);
  const [creating, setCreating] = useState(false);
  const [token, setToken] = useState<JoinTokenWire>();
  const [removing, setRemoving] = useState<string>();
  const [error, setError] = useState<unknown>();
  const remove = async (a: AgentWire) => {
    setRemoving(a.id);
    setError(undefined);
    try {
      await removeAgent(a.id);
      onChanged(`Removed the agent on ${a.properties.hostname} from ${r.name}.`);
      agents.reload();
    } catch (e) {
      setError(e);
    } finally {
      setRemoving(undefined);
    }
  };
  const columns: Column<AgentWire>[] = [
    { key: 'host', header: 'Hostname', render: (a) => a.properties.hostname, sortValue: (a) => a.properties.hostname },
    { key: 'id', header: 'Agent ID', render: (a) => <span className="mono res-id">{a.name}</span> },
    {
      key: 'created',
      header: 'Enrolled',
      render: (a) => <Time iso={a.properties.createdAt} />,
      sortValue: (a) => a.properties.createdAt ?? '',
    },
    {
      key: 'kind',
      header: 'Kind',
      render: (a) =>
        a.properties.ephemeral ? (
          <>
            Ephemeral, until <Time iso={a.properties.expiresAt} />
          </>
        ) : (
          'Long-lived'
        ),
    },
    {
      key: 'actions',
      header: 'Actions',
      render: (a) => (
        <button
          type="button"
          className="danger"
          aria-label={`Remove agent ${a.name} on ${a.properties.hostname}`}
          onClick={() => void remove(a)}
          disabled={removing !== undefined}
        >
          {removing === a.id ? 'Removing…' : 'Remove'}
        </button>
      ),
    },
  ];
  const createButton = (
    <button type="button" className="primary" onClick={() => setCreating(true)}>
      Create join token
    </button>
  );
  return (
    <section className="res-tab" aria-labelledby="agents-title">
      <div className="res-section-head">
        <div>
          <h2 id="agents-title">Agents</h2>
          <p className="muted res-note">
            An agent on a host serves managed-identity tokens for {r.name} to the workloads there. A join token enrolls
            one agent, once.
          </p>
        </div>
        {createButton}
      </div>
      {token ? <JoinTokenPanel token={token} onDismiss={() => setToken(undefined)} /> : null}
      <ErrorBanner error={error ?? agents.error} title="The agents could not be loaded or changed." />
      {agents.loading && !agents.data ? <Loading what="agents" /> : null}
      {agents.data ? (
        <DataTable
          caption={`Agents enrolled for ${r.name}`}
          columns={columns}
          rows={agents.data}
          rowKey={(a) => a.id}
          initialSort={{ key: 'host', dir: 'asc' }}
          empty={
            <EmptyState title="No agents enrolled">
              <p>
                Choose "Create join token", then run the command it shows on the host. For a quick local test:{' '}
                <code>openmi run --resource {r.id} -- CMD</code>
              </p>
            </EmptyState>
          }
        />
      ) : null}
      <JoinTokenDialog
        resourceId={r.id}
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(t) => {
          setToken(t);
          onChanged(`Created a join token for ${r.name}. Copy it now: it is shown only once.`);
        }}
      />
    </section>
  );
}
