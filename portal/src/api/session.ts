/**
 * The portal's sign-in. `openmi portal` prints a one-time link whose fragment carries a code; the
 * code is exchanged at openmi's own token endpoint for an ARM token. The token lives in this tab's
 * sessionStorage and goes out only as an Authorization header: no cookie, so a forged cross-site
 * request carries no credentials (CSRF cannot apply), and no password is ever stored.
 */
export interface Session {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  tenantId: string;
  principalId: string;
  appId: string;
}

const KEY = 'openmi.portal.session';
const PORTAL_CLIENT_ID = 'openmi-portal';
const LOGIN_LINK_GRANT = 'urn:openmi:params:oauth:grant-type:login-link';
/** Resource Manager's audience; openmi accepts it next to its own URL. */
const ARM_SCOPE = 'https://management.azure.com/.default';

export function loadSession(now = Date.now()): Session | null {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return null;
  try {
    const s = JSON.parse(raw) as Session;
    return s.expiresAt > now + 5_000 ? s : null;
  } catch {
    return null;
  }
}

export function signOut(): void {
  sessionStorage.removeItem(KEY);
}

function claimsOf(token: string): Record<string, unknown> {
  const part = token.split('.')[1] ?? '';
  const json = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  return JSON.parse(json) as Record<string, unknown>;
}

/** Exchanges a login-link code for a token; throws an Error whose message says what to do. */
export async function signInWithCode(tenantId: string, code: string): Promise<Session> {
  const form = new URLSearchParams({
    grant_type: LOGIN_LINK_GRANT,
    client_id: PORTAL_CLIENT_ID,
    code,
    scope: ARM_SCOPE,
  });
  let res: Response;
  try {
    res = await fetch(`/${encodeURIComponent(tenantId)}/oauth2/v2.0/token`, { method: 'POST', body: form });
  } catch {
    throw new Error(
      'The openmi server did not answer. Check that `openmi serve` is running, then open the link again.',
    );
  }
  const body = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    const why =
      typeof body['error_description'] === 'string'
        ? body['error_description']
        : `The token service answered ${res.status}.`;
    throw new Error(why);
  }
  const token = typeof body['access_token'] === 'string' ? body['access_token'] : '';
  const lifetime = Number(body['expires_in']);
  let claims: Record<string, unknown>;
  try {
    if (!token || !(lifetime > 0)) throw new Error('no token');
    claims = claimsOf(token);
  } catch {
    throw new Error(
      "The token service answered without a usable access token. Check that the portal is served by 'openmi serve', then run 'openmi portal' for a new link.",
    );
  }
  const session: Session = {
    token,
    expiresAt: Date.now() + lifetime * 1000,
    tenantId: String(claims['tid'] ?? tenantId),
    principalId: String(claims['oid'] ?? ''),
    appId: String(claims['appid'] ?? ''),
  };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}
