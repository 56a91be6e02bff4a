import type { RequestContext } from '../../../kernel/http/context.js';
import { sendJson } from '../../../kernel/http/context.js';
import type { KeyRing } from '../../tokens/key-ring.js';
import { workloadDiscoveryDocument } from '../../tokens/federation/workload-issuer.js';
import { OAuthError } from './oauth-errors.js';

/**
 * `/openmi/workload/...` only: other `/openmi/...` paths belong to other surfaces (the agent API),
 * so the match is on both segments.
 */
export function isWorkloadIssuerPath(segments: readonly string[]): boolean {
  return segments[0]?.toLowerCase() === 'openmi' && segments[1]?.toLowerCase() === 'workload';
}

/** The workload issuer's OpenID discovery document and JWKS, as a federated-credential verifier fetches them. */
export function serveWorkloadIssuer(ctx: RequestContext, issuer: string, keys: KeyRing): void {
  const tail = ctx.segments.slice(2).join('/');
  if (ctx.method === 'GET' && tail === '.well-known/openid-configuration') {
    return sendJson(ctx.res, 200, workloadDiscoveryDocument(issuer), { 'cache-control': 'public, max-age=300' });
  }
  if (ctx.method === 'GET' && tail === 'keys') {
    return sendJson(ctx.res, 200, keys.jwks(), { 'cache-control': 'public, max-age=300' });
  }
  throw new OAuthError(
    'invalid_request',
    90010,
    `No workload-issuer endpoint at '${ctx.method} ${ctx.path}'. Endpoints: GET ${issuer}/.well-known/openid-configuration, GET ${issuer}/keys.`,
    404,
  );
}
