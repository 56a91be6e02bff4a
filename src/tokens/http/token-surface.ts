import type { RequestContext, Surface } from '../../kernel/http/context.js';
import { sendJson } from '../../kernel/http/context.js';
import { readBody } from '../../kernel/http/body.js';
import type { Clock } from '../../kernel/clock.js';
import type { Store } from '../../store/store.js';
import type { Authority } from '../issuers.js';
import type { KeyRing } from '../key-ring.js';
import type { TokenIssuer } from '../issue.js';
import { authenticateClientSecret } from '../client-credentials.js';
import { discoveryDocument } from './discovery.js';
import { OAuthError, renderOAuthError } from './oauth-errors.js';
import { parseTokenForm, type TokenForm } from './token-form.js';

export interface TokenSurfaceDeps {
  store: Store;
  clock: Clock;
  authority: Authority;
  keys: KeyRing;
  issuer: TokenIssuer;
  appTokenLifetimeSeconds: number;
  maxBodyBytes: number;
}

const SECOND = new Set(['oauth2', 'v2.0', '.well-known', 'discovery']);
const NO_STORE = { pragma: 'no-cache', 'cache-control': 'no-store' };

/** The token service: OpenID discovery, JWKS and the v1/v2 token endpoints under /{tenant}/. */
export class TokenSurface implements Surface {
  readonly name = 'oauth';
  constructor(private readonly d: TokenSurfaceDeps) {}

  matches(ctx: RequestContext): boolean {
    return ctx.segments.length >= 2 && SECOND.has(ctx.segments[1]!.toLowerCase());
  }

  renderError(ctx: RequestContext, err: unknown): void {
    renderOAuthError(ctx, err);
  }

  async handle(ctx: RequestContext): Promise<void> {
    const [tenantSeg, ...rest] = ctx.segments;
    const tail = rest.join('/').toLowerCase();
    const tenantId = await this.requireTenant(tenantSeg!);
    if (ctx.method === 'GET' && (tail === '.well-known/openid-configuration' || tail === 'v2.0/.well-known/openid-configuration')) {
      return sendJson(ctx.res, 200, discoveryDocument(this.d.authority, tenantId, tail.startsWith('v2.0') ? 'v2' : 'v1'));
    }
    if (ctx.method === 'GET' && (tail === 'discovery/keys' || tail === 'discovery/v2.0/keys')) {
      return sendJson(ctx.res, 200, this.d.keys.jwks(), { 'cache-control': 'public, max-age=300' });
    }
    if (tail === 'oauth2/token' || tail === 'oauth2/v2.0/token') {
      if (ctx.method !== 'POST') throw new OAuthError(405, 'invalid_request', 900561, 'The token endpoint only accepts POST requests.');
      return this.token(ctx, tenantId, tail === 'oauth2/token' ? 'v1' : 'v2');
    }
    throw new OAuthError(404, 'invalid_request', 90010, `No token-service endpoint at '${ctx.path}'. Endpoints: /{tenant}/oauth2/v2.0/token, /{tenant}/v2.0/.well-known/openid-configuration, /{tenant}/discovery/v2.0/keys.`);
  }

  private async requireTenant(seg: string): Promise<string> {
    const t = await this.d.store.tenants.get(seg.toLowerCase());
    if (!t) {
      throw new OAuthError(400, 'invalid_request', 90002, `Tenant '${seg}' not found. Use the tenant id printed by 'openmi env --admin' in the authority URL.`);
    }
    return t.id;
  }

  private async token(ctx: RequestContext, tenantId: string, version: 'v1' | 'v2'): Promise<void> {
    const form = parseTokenForm(ctx.req.headers, await readBody(ctx.req, this.d.maxBodyBytes), version);
    const principal = await this.authenticate(tenantId, form);
    const t = this.d.issuer.issue({ principal, audience: form.resource, lifetimeSeconds: this.d.appTokenLifetimeSeconds, appidacr: '1' });
    const expiresIn = t.expiresAt - t.issuedAt;
    const body =
      version === 'v2'
        ? { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, access_token: t.accessToken }
        : {
            token_type: 'Bearer',
            expires_in: String(expiresIn),
            ext_expires_in: String(expiresIn),
            expires_on: String(t.expiresAt),
            not_before: String(t.issuedAt),
            resource: form.resource,
            access_token: t.accessToken,
          };
    sendJson(ctx.res, 200, body, NO_STORE);
  }

  private async authenticate(tenantId: string, form: TokenForm) {
    if (form.grantType !== 'client_credentials') {
      throw new OAuthError(400, 'unsupported_grant_type', 70003, `The grant type '${form.grantType}' is not supported. Use client_credentials.`);
    }
    if (form.clientSecret === undefined) {
      throw new OAuthError(401, 'invalid_client', 7000218, "The request body must contain the following parameter: 'client_secret' (or use HTTP Basic authentication).");
    }
    return authenticateClientSecret(this.d.store, this.d.clock, tenantId, form.clientId, form.clientSecret);
  }
}
