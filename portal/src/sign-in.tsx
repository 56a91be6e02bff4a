import { useEffect, useRef, useState } from 'react';
import { signInWithCode, type Session } from './api/session.js';
import { ErrorBanner } from './components/feedback.js';
import { navigate, type Route } from './router.js';

/** Redeems the code from the login link once, then drops it from the address bar and history. */
export function SignInPage({
  route,
  onSignedIn,
  reason,
}: {
  route: Route;
  onSignedIn: (s: Session) => void;
  reason?: string | undefined;
}) {
  const tenant = route.query.get('tenant');
  const code = route.query.get('code');
  const [error, setError] = useState<unknown>();
  const [pending, setPending] = useState(false);
  // A code works once: never send it twice (React's StrictMode runs effects twice in development).
  const redeemed = useRef<string | null>(null);
  useEffect(() => {
    // Drop the code from the address bar and history whatever happens next, even if the link is incomplete.
    if (code || tenant) navigate('/sign-in', { replace: true });
    if (!code && !tenant) return;
    if (!tenant || !code) {
      setError(
        new Error(
          "This sign-in link is incomplete: it needs both a tenant and a code. Copy the whole link 'openmi portal' printed.",
        ),
      );
      return;
    }
    if (redeemed.current === code) return;
    redeemed.current = code;
    setError(undefined);
    setPending(true);
    signInWithCode(tenant, code).then(
      (s) => {
        onSignedIn(s);
        navigate('/identities', { replace: true });
      },
      (e: unknown) => {
        setPending(false);
        setError(e);
      },
    );
  }, [tenant, code, onSignedIn]);
  return (
    <main id="main" className="sign-in">
      <h1>Sign in to openmi</h1>
      {pending ? <p role="status">Signing you in…</p> : null}
      <ErrorBanner error={error} title="Sign-in failed." />
      {reason ? (
        <p role="alert" className="banner banner-warn">
          {reason}
        </p>
      ) : null}
      <p>
        The portal signs you in with a one-time link from openmi's token service. On the machine that runs the server,
        run:
      </p>
      <pre>
        <code>openmi portal --data-dir &lt;your data dir&gt;</code>
      </pre>
      <p>
        and open the link it prints within five minutes. Each link works once; the session lasts as long as its token
        (one hour by default).
      </p>
    </main>
  );
}
