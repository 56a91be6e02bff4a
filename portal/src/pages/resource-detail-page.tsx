import { useEffect, useState } from 'react';
import {
  getResource,
  hasSystem,
  identitySummary,
  typeLabel,
  type ComputeResourceWire,
  type ResourceKey,
} from '../api/resources.js';
import { ErrorBanner, Loading, Notice, PageHeader } from '../components/feedback.js';
import { TabPanel, Tabs } from '../components/tabs.js';
import { useAsync } from '../components/use-async.js';
import { Link, navigate, useRoute } from '../router.js';
import { useSubscription } from '../subscription.js';
import { AccessReviewTab } from './access/access-review-tab.js';
import { AgentsTab } from './resource/agents-tab.js';
import { DeleteResourceDialog } from './resource/delete-resource-dialog.js';
import { IdentityTab } from './resource/identity-tab.js';
import { RoleAssignmentsTab } from './resource/role-assignments-tab.js';
import { resourcePath } from '../components/arm-ids.js';
import './resource/resource.css';

const TABS = [
  { id: 'identity', label: 'Identity' },
  { id: 'role-assignments', label: 'Role assignments' },
  { id: 'agents', label: 'Agents' },
] as const;
/** Only a resource with a system-assigned identity has permissions of its own to review. */
const REVIEW_TAB = { id: 'access-review', label: 'Access review' } as const;

function Tags({ tags }: { tags: Record<string, string> | undefined }) {
  const entries = Object.entries(tags ?? {});
  if (entries.length === 0) return <span className="muted">None</span>;
  return (
    <ul className="res-tags">
      {entries.map(([k, v]) => (
        <li key={k} className="badge">
          {k}: {v}
        </li>
      ))}
    </ul>
  );
}

function Overview({ r, resourceGroup }: { r: ComputeResourceWire; resourceGroup: string }) {
  return (
    <section className="panel" aria-labelledby="overview-title">
      <h2 id="overview-title" className="sr-only">
        Overview
      </h2>
      <dl className="props">
        <dt>Type</dt>
        <dd>
          {typeLabel(r.type)} <span className="muted mono">({r.type})</span>
        </dd>
        <dt>Resource group</dt>
        <dd>{resourceGroup}</dd>
        <dt>Location</dt>
        <dd>{r.location}</dd>
        <dt>Resource ID</dt>
        <dd className="mono">{r.id}</dd>
        <dt>Identity</dt>
        <dd>{identitySummary(r)}</dd>
        <dt>Tags</dt>
        <dd>
          <Tags tags={r.tags} />
        </dd>
      </dl>
    </section>
  );
}

/** One compute resource: overview, its identities, the role assignments at its scope, its agents. */
export function ResourceDetailPage({ resourceGroup, type, name }: ResourceKey) {
  const { subscriptionId } = useSubscription();
  const route = useRoute();
  const key: ResourceKey = { resourceGroup, type, name };
  const res = useAsync(() => getResource(subscriptionId, key), [subscriptionId, resourceGroup, type, name]);
  const justCreated = route.query.has('created');
  const [notice, setNotice] = useState<string | undefined>(() => (justCreated ? `Created ${name}.` : undefined));
  const [deleting, setDeleting] = useState(false);
  const tabs = res.data && hasSystem(res.data) ? [...TABS, REVIEW_TAB] : TABS;
  const tab = tabs.find((t) => t.id === route.query.get('tab'))?.id ?? 'identity';
  useEffect(() => {
    // The notice is shown once: a reload of the page should not say "Created" again.
    if (!justCreated) return;
    const q = new URLSearchParams(route.query);
    q.delete('created');
    navigate(`${resourcePath(resourceGroup, type, name)}${q.size ? `?${q.toString()}` : ''}`, { replace: true });
    // eslint-disable-next-line react-hooks/exhaustive-deps -- runs once, when the page opens with ?created
  }, [justCreated]);
  const selectTab = (id: string) => {
    setNotice(undefined);
    navigate(`${resourcePath(resourceGroup, type, name)}?tab=${id}`, { replace: true });
  };
  const changed = (message: string) => {
    setNotice(message);
    res.reload();
  };
  const r = res.data;
  const actions = (
    <button type="button" className="danger" onClick={() => setDeleting(true)} disabled={!r}>
      Delete resource
    </button>
  );
  return (
    <section>
      <p className="muted">
        <Link to="/resources">Resources</Link> / {resourceGroup}
      </p>
      <PageHeader title={name} subtitle={typeLabel(type)} actions={actions} />
      {notice ? <Notice>{notice}</Notice> : null}
      <ErrorBanner error={res.error} title={`${name} could not be loaded.`} />
      {res.error ? (
        <p>
          <Link to="/resources">Back to all resources</Link>
        </p>
      ) : null}
      {res.loading && !r ? <Loading what={name} /> : null}
      {r ? (
        <>
          <Overview r={r} resourceGroup={resourceGroup} />
          <Tabs label="Resource sections" tabs={tabs} active={tab} onChange={selectTab} />
          <TabPanel id={tab}>
            {tab === 'identity' ? <IdentityTab resource={r} resourceKey={key} onChanged={changed} /> : null}
            {tab === 'role-assignments' ? <RoleAssignmentsTab resource={r} /> : null}
            {tab === 'agents' ? <AgentsTab resource={r} onChanged={setNotice} /> : null}
            {tab === 'access-review' ? (
              <AccessReviewTab subjectId={r.id} name={`${name}'s system-assigned identity`} />
            ) : null}
          </TabPanel>
          {deleting ? <DeleteResourceDialog resource={r} resourceKey={key} onClose={() => setDeleting(false)} /> : null}
        </>
      ) : null}
    </section>
  );
}
