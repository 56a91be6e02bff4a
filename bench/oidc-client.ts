/** How the runner asks the oidc-provider baseline (oidc-server.ts) for a token. */
export const OIDC_CLIENT_ID = 'bench-client';
export const OIDC_CLIENT_SECRET = 'bench-client-secret-0123456789abcdef0123456789';
export const OIDC_TOKEN_PATH = '/token';

/** What openmi's v1 token endpoint is asked in the same run: a client secret for one resource. */
export function oidcForm(resource: string): string {
  return new URLSearchParams({
    grant_type: 'client_credentials',
    client_id: OIDC_CLIENT_ID,
    client_secret: OIDC_CLIENT_SECRET,
    resource,
  }).toString();
}
