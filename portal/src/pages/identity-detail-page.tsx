import { useState } from 'react';
import { getIdentity, type IdentityWire } from '../api/identities.js';
import { ErrorBanner, Loading, PageHeader } from '../components/feedback.js';
import { TabPanel, Tabs } from '../components/tabs.js';
import { useAsync } from '../components/use-async.js';
import { Link, navigate, pathOf, useRoute } from '../router.js';
import { useSubscription } from '../subscription.js';
import { AccessReviewTab } from './access/access-review-tab.js';
import { AssociatedResourcesTab } from './identity/associated-tab.js';
import { DeleteIdentityDialog } from './identity/delete-identity-dialog.js';
import { FederatedCredentialsTab } from './identity/federated-tab.js';
import { GroupsTab } from './identity/groups-tab.js';
import { RoleAssignmentsTab } from './identity/role-assignments-tab.js';
import { SignInsTab } from './identity/sign-ins-tab.js';
import './identity/identity.css';

const TABS = [
  { id: 'resources', label: 'Associated resources' },
  { id: 'roles', label: 'Role assignments' },
  { id: 'federated', label: 'Federated credentials' },
  { id: 'sign-ins', label: 'Sign-ins' },
  { id: 'groups', label: 'Groups' },
  { id: 'access-review', label: 'Access review' },
] as const;
type TabId = (typeof TABS)[number]['id'];

function Overview({ identity, resourceGroup }: { identity: IdentityWire; resourceGroup: string }) {
  const tags = Object.entries(identity.tags ?? {});
  return (
    <section className="panel" aria-labelledby="identity-overview">
      <h2 id="identity-overview" className="mi-panel-title">
        Overview
      </h2>
      <dl className="props">
        <dt>Client ID</dt>
        <dd className="mono">{identity.properties.clientId}</dd>
        <dt>Principal (object) ID</dt>
        <dd className="mono">{identity.properties.principalId}</dd>
        <dt>Tenant ID</dt>
        <dd className="mono">{identity.properties.tenantId}</dd>
        <dt>Resource group</dt>
        <dd>{resourceGroup}</dd>
        <dt>Location</dt>
        <dd>{identity.location}</dd>
        <dt>Resource ID</dt>
        <dd className="mono">{identity.id}</dd>
        <dt>Tags</dt>
        <dd>
          {tags.length === 0 ? (
            <span className="muted">none</span>
          ) : (
            <ul className="mi-tags">
              {tags.map(([k, v]) => (
                <li key={k} className="badge">
                  {k}={v}
                </li>
              ))}
            </ul>
          )}
        </dd>
      </dl>
    </section>
  );
}

function TabContent({ tab, identity, resourceGroup }: { tab: TabId; identity: IdentityWire; resourceGroup: string }) {
  switch (tab) {
    case 'resources':
      return <AssociatedResourcesTab identity={identity} resourceGroup={resourceGroup} />;
    case 'roles':
      return <RoleAssignmentsTab identity={identity} />;
    case 'federated':
      return <FederatedCredentialsTab identity={identity} resourceGroup={resourceGroup} />;
    case 'sign-ins':
      return <SignInsTab identity={identity} />;
    case 'groups':
      return <GroupsTab principalId={identity.properties.principalId} />;
    case 'access-review':
      return <AccessReviewTab subjectId={identity.id} name={identity.name} />;
  }
}

/** `#/identities/{rg}/{name}`: one identity, its overview and what it is connected to. */
export function IdentityDetailPage({ resourceGroup, name }: { resourceGroup: string; name: string }) {
  const { subscriptionId } = useSubscription();
  const route = useRoute();
  const identity = useAsync(
    () => getIdentity(subscriptionId, resourceGroup, name),
    [subscriptionId, resourceGroup, name],
  );
  const [deleting, setDeleting] = useState(false);
  const asked = route.query.get('tab');
  const tab: TabId = TABS.some((t) => t.id === asked) ? (asked as TabId) : 'resources';
  const selectTab = (id: string) =>
    navigate(`${pathOf('identities', resourceGroup, name)}?tab=${id}`, { replace: true });
  const i = identity.data;
  if (!i) {
    return (
      <section>
        <p className="mi-crumb">
          <Link to="/identities">Managed identities</Link>
        </p>
        <h1>{name}</h1>
        {identity.loading ? (
          <Loading what="the identity" />
        ) : (
          <>
            <ErrorBanner error={identity.error} title="The identity could not be loaded." />
            <p>
              If it was deleted or renamed, find it in <Link to="/identities">the list of managed identities</Link>.
            </p>
          </>
        )}
      </section>
    );
  }
  const actions = (
    <>
      <Link className="mi-button-link" to={`/impact?identity=${encodeURIComponent(i.id)}`}>
        View impact
      </Link>
      <Link className="mi-button-link" to={`/activity?resource=${encodeURIComponent(i.id)}`}>
        Activity for this identity
      </Link>
      <button type="button" className="danger" onClick={() => setDeleting(true)}>
        Delete identity
      </button>
    </>
  );
  return (
    <section>
      <p className="mi-crumb">
        <Link to="/identities">Managed identities</Link> <span aria-hidden="true">›</span> {resourceGroup}
      </p>
      <PageHeader title={i.name} subtitle="User-assigned managed identity" actions={actions} />
      <Overview identity={i} resourceGroup={resourceGroup} />
      <Tabs label="Identity sections" tabs={TABS} active={tab} onChange={selectTab} />
      <TabPanel id={tab}>
        <TabContent tab={tab} identity={i} resourceGroup={resourceGroup} />
      </TabPanel>
      {deleting ? (
        <DeleteIdentityDialog identity={i} resourceGroup={resourceGroup} onClose={() => setDeleting(false)} />
      ) : null}
    </section>
  );
}
