import { useCallback, useEffect, useRef, useState } from 'react';
import { armList, onSignedOut } from './api/arm.js';
import { API } from './api/api-versions.js';
import { loadSession, signOut, type Session } from './api/session.js';
import { ErrorBanner, Loading } from './components/feedback.js';
import { Link, useRoute, type Route } from './router.js';
import { SignInPage } from './sign-in.js';
import { SubscriptionContext, type SubscriptionInfo } from './subscription.js';
import { IdentitiesPage } from './pages/identities-page.js';
import { IdentityDetailPage } from './pages/identity-detail-page.js';
import { ResourcesPage } from './pages/resources-page.js';
import { ResourceDetailPage } from './pages/resource-detail-page.js';
import { ActivityLogPage } from './pages/activity-log-page.js';
import { SignInLogPage } from './pages/sign-in-log-page.js';
import { UnusedIdentitiesPage } from './pages/unused-identities-page.js';
import { ImpactPage } from './pages/impact-page.js';
import { GroupsPage } from './pages/groups-page.js';
import { GroupDetailPage } from './pages/groups/group-detail-page.js';
import type { SubscriptionWire } from '../../src/wire/resources.js';

const NAV = [
  { to: '/identities', label: 'Managed identities' },
  { to: '/resources', label: 'Resources' },
  { to: '/groups', label: 'Groups' },
  { to: '/activity', label: 'Activity log' },
  { to: '/sign-ins', label: 'Sign-in log' },
  { to: '/unused', label: 'Unused identities' },
  { to: '/impact', label: 'Impact' },
];

function Page({ route }: { route: Route }) {
  const [top, ...rest] = route.segments;
  switch (top) {
    case undefined:
    case 'identities':
      return rest.length === 2 ? <IdentityDetailPage resourceGroup={rest[0]!} name={rest[1]!} /> : <IdentitiesPage />;
    case 'resources':
      return rest.length === 4 ? (
        <ResourceDetailPage resourceGroup={rest[0]!} type={`${rest[1]}/${rest[2]}`} name={rest[3]!} />
      ) : (
        <ResourcesPage />
      );
    case 'groups':
      return rest.length === 1 ? <GroupDetailPage id={rest[0]!} /> : <GroupsPage />;
    case 'activity':
      return <ActivityLogPage query={route.query} />;
    case 'sign-ins':
      return <SignInLogPage query={route.query} />;
    case 'unused':
      return <UnusedIdentitiesPage />;
    case 'impact':
      return <ImpactPage query={route.query} />;
    default:
      return (
        <section>
          <h1>Page not found</h1>
          <p>
            There is no portal page at <code>{route.path}</code>. Go to <Link to="/identities">Managed identities</Link>
            .
          </p>
        </section>
      );
  }
}

function Shell({ session, route, onSignOut }: { session: Session; route: Route; onSignOut: () => void }) {
  const [sub, setSub] = useState<SubscriptionInfo | null>(null);
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    armList<SubscriptionWire>('/subscriptions', { apiVersion: API.resources })
      .then((subs) => {
        const s = subs[0];
        if (!s)
          throw new Error(
            'You can sign in but see no subscription: ask an Owner to assign you a role (Reader at least) on the subscription.',
          );
        setSub({
          subscriptionId: s.subscriptionId,
          displayName: s.displayName,
          tenantId: session.tenantId,
          principalId: session.principalId,
        });
      })
      .catch(setError);
  }, [session]);
  const top = `/${route.segments[0] ?? 'identities'}`;
  // On a page change (not a tab or filter change), say so: new title, and focus at the top of the content.
  const main = useRef<HTMLElement>(null);
  const first = useRef(true);
  useEffect(() => {
    const label = NAV.find((n) => n.to === top)?.label;
    document.title = label ? `${label} – openmi portal` : 'openmi portal';
    if (first.current) first.current = false;
    else main.current?.focus();
  }, [route.path, top]);
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <span className="brand">openmi</span>
        <nav aria-label="Main">
          <ul>
            {NAV.map((n) => (
              <li key={n.to}>
                <Link to={n.to} aria-current={top === n.to ? 'page' : undefined}>
                  {n.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="whoami">
          <span title={`Object id ${session.principalId}`}>{sub?.displayName ?? ''}</span>
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1} ref={main}>
        <ErrorBanner error={error} title="The portal could not start." />
        {sub ? (
          <SubscriptionContext.Provider value={sub}>
            {/* Keyed by path: a detail page opened for another item starts fresh, without the last item's data. */}
            <Page key={route.path} route={route} />
          </SubscriptionContext.Provider>
        ) : error ? null : (
          <Loading what="your subscription" />
        )}
      </main>
    </>
  );
}

export function App() {
  const route = useRoute();
  const [session, setSession] = useState(() => loadSession());
  const [reason, setReason] = useState<string>();
  useEffect(
    () =>
      onSignedOut((e) => {
        signOut();
        setSession(null);
        setReason(e.message);
      }),
    [],
  );
  const onSignedIn = useCallback((s: Session) => {
    setReason(undefined);
    setSession(s);
  }, []);
  if (route.segments[0] === 'sign-in' || !session)
    return <SignInPage route={route} onSignedIn={onSignedIn} reason={reason} />;
  return (
    <Shell
      session={session}
      route={route}
      onSignOut={() => {
        signOut();
        setSession(null);
        setReason('You signed out.');
      }}
    />
  );
}
