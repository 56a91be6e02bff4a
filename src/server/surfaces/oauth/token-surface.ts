import type { RequestContext, Surface } from '../../../kernel/http/context.js';
import { sendJson, sendJsonText } from '../../../kernel/http/context.js';
import { readBody } from '../../../kernel/http/body.js';
import type { Clock } from '../../../kernel/clock.js';
import type { Store } from '../../../store/store.js';
import type { Authority } from '../../tokens/issuers.js';
import type { KeyRing } from '../../tokens/key-ring.js';
import type { IssuedToken, TokenIssuer } from '../../tokens/issue.js';
import type { SignInEvent, SignInRecorder } from '../../audit/sign-ins.js';
import { FederatedAssertionVerifier } from '../../tokens/federation/assertion-verifier.js';
import { IssuerKeys } from '../../tokens/federation/issuer-keys.js';
import { guardedJsonFetcher, type GuardedFetchOptions } from '../../tokens/federation/https-json.js';
import { IssuerHostPolicy } from '../../tokens/federation/issuer-hosts.js';
import { createLogger, type Logger } from '../../../kernel/log.js';
import { workloadIssuerUrl } from '../../tokens/federation/workload-issuer.js';
import { adfsDiscoveryDocument, discoveryDocument } from './discovery.js';
import { OAuthError, renderOAuthError, toOAuthError } from './oauth-errors.js';
import { parseTokenForm, type TokenForm } from './token-form.js';
import { authenticateGrant, flowOf, type Grant, type GrantDeps } from './token-grant.js';
import type { LoginLinkRedeemer } from './login-link-grant.js';
import { LoginLinkService } from '../../tokens/login-links.js';
import { systemRandom } from '../../../kernel/ids.js';
import { isWorkloadIssuerPath, serveWorkloadIssuer } from './workload-endpoints.js';
import { RateLimitExceeded, retryAfterSeconds, type TokenBuckets } from '../../../kernel/token-buckets.js';

export interface TokenSurfaceDeps {
  store: Store;
  clock: Clock;
  authority: Authority;
  keys: KeyRing;
  issuer: TokenIssuer;
  appTokenLifetimeSeconds: number;
  /** Lifetime of tokens issued to managed identities (federated exchange included). */
  managedIdentityTokenLifetimeSeconds: number;
  maxBodyBytes: number;
  /** Every token request is handed here, success or failure. */
  signIns: SignInRecorder;
  /** OpenID discovery of federated credentials' issuers; default: no allow-listed hosts, no log. */
  issuerDiscovery?: IssuerDiscoveryDeps;
  /** Redeems portal login links; default: a LoginLinkService over `store` and `clock`. */
  loginLinks?: LoginLinkRedeemer;
  /** Token requests per client id (every grant type); absent, unlimited. */
  perClient?: TokenBuckets;
  /** The tenant the ADFS-style authority `/adfs` serves (see adfsDiscoveryDocument); absent, `/adfs` is not served. */
  adfsTenantId?: string;
}

export interface IssuerDiscoveryDeps {
  /** The hosts openmi may fetch from (config federationAllowedIssuerHosts, openmi's own issuer). */
  policy: IssuerHostPolicy;
  /** Trust anchors and bounds of the fetch; tests shorten the timeouts. */
  fetch?: Omit<GuardedFetchOptions, 'policy'>;
  /** Why a discovery failed goes here; the caller only gets a generic message. */
  log: Pick<Logger, 'warn'>;
}

/** The first path segment of the ADFS-style authority; MSAL recognises it by this name. */
const ADFS = 'adfs';

const SECOND = new Set(['oauth2', 'v2.0', '.well-known', 'discovery']);
const NO_STORE = { pragma: 'no-cache', 'cache-control': 'no-store' };
const TOKEN_TAILS: Record<string, 'v1' | 'v2'> = { 'oauth2/token': 'v1', 'oauth2/v2.0/token': 'v2' };

/**
 * The token service: OpenID discovery, JWKS and the v1/v2 token endpoints under /{tenant}/, and
 * openmi's own workload issuer under /openmi/workload.
 */
export class TokenSurface implements Surface {
  readonly name = 'oauth';
  private readonly grants: GrantDeps;
  private readonly workloadIssuer: string;
  private readonly knownTenants = new Map<string, string>();

  constructor(private readonly d: TokenSurfaceDeps) {
    this.workloadIssuer = workloadIssuerUrl(d.authority.baseUrl);
    const fed = d.issuerDiscovery ?? {
      policy: new IssuerHostPolicy([], this.workloadIssuer),
      log: createLogger('silent'),
    };
    if (fed.policy.ownIssuer !== this.workloadIssuer)
      throw new Error(`the issuer host policy is for ${fed.policy.ownIssuer}, not ${this.workloadIssuer}`);
    const fetchJson = guardedJsonFetcher({ ...fed.fetch, policy: fed.policy });
    const keys = new IssuerKeys({
      policy: fed.policy,
      ownKeys: d.keys,
      registered: d.store.federationIssuers,
      fetchJson,
      clock: d.clock,
      log: fed.log,
    });
    const loginLinks = d.loginLinks ?? new LoginLinkService(d.store, d.clock, systemRandom);
    this.grants = {
      ...d,
      loginLinks,
      federation: new FederatedAssertionVerifier({ store: d.store, keys, clock: d.clock }),
    };
  }

  matches(ctx: RequestContext): boolean {
    if (isWorkloadIssuerPath(ctx.segments) || this.isAdfsTenantLookup(ctx.segments)) return true;
    return ctx.segments.length >= 2 && SECOND.has(ctx.segments[1]!.toLowerCase());
  }

  /**
   * `{authority}/{tenant}/.well-known/openid-configuration` under the ADFS-style authority: how
   * `az login --tenant NAME` turns a tenant name into its id (from the v1 issuer) before logging in.
   */
  private isAdfsTenantLookup(segs: string[]): boolean {
    return (
      !!this.d.adfsTenantId &&
      segs.length === 4 &&
      segs[0]!.toLowerCase() === ADFS &&
      `${segs[2]}/${segs[3]}`.toLowerCase() === '.well-known/openid-configuration'
    );
  }

  renderError(ctx: RequestContext, err: unknown): void {
    renderOAuthError(ctx, err);
  }

  async handle(ctx: RequestContext): Promise<void> {
    if (isWorkloadIssuerPath(ctx.segments)) return serveWorkloadIssuer(ctx, this.workloadIssuer, this.d.keys);
    if (this.isAdfsTenantLookup(ctx.segments))
      return sendJson(
        ctx.res,
        200,
        discoveryDocument(this.d.authority, await this.requireTenant(ctx.segments[1]!), 'v1'),
      );
    const [tenantSeg, ...rest] = ctx.segments;
    const tail = rest.join('/').toLowerCase();
    const version = TOKEN_TAILS[tail];
    if (version) return this.tokenEndpoint(ctx, tenantSeg!, version);
    const tenantId = await this.requireTenant(tenantSeg!);
    if (ctx.method === 'GET' && tenantSeg!.toLowerCase() === ADFS && tail === '.well-known/openid-configuration') {
      return sendJson(ctx.res, 200, adfsDiscoveryDocument(this.d.authority, tenantId));
    }
    if (
      ctx.method === 'GET' &&
      (tail === '.well-known/openid-configuration' || tail === 'v2.0/.well-known/openid-configuration')
    ) {
      return sendJson(
        ctx.res,
        200,
        discoveryDocument(this.d.authority, tenantId, tail.startsWith('v2.0') ? 'v2' : 'v1'),
      );
    }
    if (ctx.method === 'GET' && (tail === 'discovery/keys' || tail === 'discovery/v2.0/keys')) {
      return sendJson(ctx.res, 200, this.d.keys.jwks(), { 'cache-control': 'public, max-age=300' });
    }
    throw new OAuthError(
      'invalid_request',
      90010,
      `No token-service endpoint at '${ctx.path}'. Endpoints: /{tenant}/oauth2/v2.0/token, /{tenant}/v2.0/.well-known/openid-configuration, /{tenant}/discovery/v2.0/keys.`,
      404,
    );
  }

  private async requireTenant(seg: string): Promise<string> {
    const key = seg.toLowerCase();
    if (key === ADFS && this.d.adfsTenantId) return this.d.adfsTenantId;
    // Every token request names its tenant. Tenants are created at installation and never deleted
    // (directory/bootstrap.ts), so a found tenant is remembered; only found ones are, so the set
    // stays as small as the directory whatever callers send.
    const known = this.knownTenants.get(key);
    if (known !== undefined) return known;
    const t = await this.d.store.tenants.get(key);
    if (!t) {
      throw new OAuthError(
        'invalid_request',
        90002,
        `Tenant '${seg.slice(0, 80)}' not found. Use the tenant id printed by 'openmi env --admin' in the authority URL.`,
        400,
      );
    }
    this.knownTenants.set(key, t.id);
    return t.id;
  }

  /** Every request to a token endpoint ends in exactly one sign-in event, whatever fails. */
  private async tokenEndpoint(ctx: RequestContext, tenantSeg: string, version: 'v1' | 'v2'): Promise<void> {
    const event = newSignIn(ctx, this.d.clock.now());
    let body: string;
    try {
      if (ctx.method !== 'POST')
        throw new OAuthError('invalid_request', 900561, 'The token endpoint only accepts POST requests.', 405);
      const tenantId = await this.requireTenant(tenantSeg);
      const raw = await readBody(ctx.req, this.d.maxBodyBytes);
      // ADFS's one token endpoint takes a v1 `resource` or, from MSAL, a v2 `scope`.
      if (tenantSeg.toLowerCase() === ADFS && new URLSearchParams(raw.toString('utf8')).has('scope')) version = 'v2';
      const form = parseTokenForm(ctx.req.headers, raw, version);
      Object.assign(event, { clientId: form.clientId, audience: form.resource, flow: flowOf(form) });
      this.throttle(form.clientId);
      const grant = await authenticateGrant(this.grants, tenantId, form);
      Object.assign(event, { principalId: grant.principal.objectId, identityResourceId: grant.identityResourceId });
      body = await this.tokenBody(form, grant, version);
    } catch (err) {
      const e = toOAuthError(err);
      await this.record(ctx, { ...event, result: 'failure', errorCode: e.error, reason: e.message }).catch(
        (werr: unknown) => ctx.log.error({ err: werr }, 'sign-in log write failed'),
      );
      throw err;
    }
    // The token leaves only once its sign-in row is durable (group commit with other requests).
    await this.record(ctx, event);
    sendJsonText(ctx.res, 200, body, NO_STORE);
  }

  /**
   * Per client id, before the credential is checked: a client that hammers the endpoint (or a
   * guesser trying secrets for one client) is slowed down without costing the signing pool.
   */
  private throttle(clientId: string): void {
    const limit = this.d.perClient;
    const waitMs = limit?.take(clientId.slice(0, 256).toLowerCase()) ?? 0;
    if (!limit || waitMs === 0) return;
    const s = retryAfterSeconds(waitMs);
    throw new RateLimitExceeded(
      `Too many token requests for client '${clientId.slice(0, 80)}': the limit is ${limit.rate.perSecond} per second (bursts of ${limit.rate.burst}). Retry after ${s} s; an operator can raise it with tokenRequestsPerSecondPerClient (OPENMI_TOKEN_REQUESTS_PER_SECOND_PER_CLIENT).`,
      s,
    );
  }

  private async tokenBody(form: TokenForm, grant: Grant, version: 'v1' | 'v2'): Promise<string> {
    const t = await this.d.issuer.issueAsync({
      principal: grant.principal,
      audience: form.resource,
      lifetimeSeconds: grant.lifetimeSeconds,
      appidacr: grant.appidacr,
      ...(grant.extraClaims ? { extraClaims: grant.extraClaims } : {}),
    });
    return version === 'v2' ? v2Body(t, grant) : v1Body(t, form.resource);
  }

  /**
   * A throwing recorder is logged and ignored; a durable recorder's promise for this row (a refusal
   * folded under a flood waits for its folded row) is awaited, and its failure fails the request
   * (an answered request must have its row).
   */
  private async record(ctx: RequestContext, event: SignInEvent): Promise<void> {
    ctx.operation = event.flow;
    let durable: Promise<void> | void;
    try {
      durable = this.d.signIns.record({ ...event, latencyMs: Math.round(performance.now() - ctx.startedAt) });
    } catch (err) {
      ctx.log.error({ err }, 'sign-in recorder threw');
      return;
    }
    await (durable ?? this.d.signIns.flushed?.());
  }
}

function newSignIn(ctx: RequestContext, now: number): SignInEvent {
  return {
    at: now - Math.round(performance.now() - ctx.startedAt),
    correlationId: ctx.correlationId,
    flow: 'clientCredentials',
    principalId: null,
    clientId: null,
    identityResourceId: null,
    callingResourceId: null,
    agentId: null,
    audience: null,
    result: 'success',
    errorCode: null,
    reason: null,
    latencyMs: 0,
  };
}

/**
 * The answer's JSON with the token last. The token is openmi's own base64url segments joined by
 * dots, which JSON carries as they are, so it is appended rather than run through
 * JSON.stringify's escape scan (about 1% of a token request's CPU in the bench profile).
 */
function withAccessToken(fields: Record<string, unknown>, token: string): string {
  return `${JSON.stringify(fields).slice(0, -1)},"access_token":"${token}"}`;
}

function v2Body(t: IssuedToken, grant: Grant): string {
  const expiresIn = t.expiresAt - t.issuedAt;
  // MSAL honours refresh_in on the token-exchange path (docs/wire/managed-identity.md): refresh at half-life.
  const refresh = grant.flow === 'federated' ? { refresh_in: Math.floor(expiresIn / 2) } : {};
  return withAccessToken(
    { token_type: 'Bearer', expires_in: expiresIn, ext_expires_in: expiresIn, ...refresh },
    t.accessToken,
  );
}

function v1Body(t: IssuedToken, resource: string): string {
  const expiresIn = String(t.expiresAt - t.issuedAt);
  return withAccessToken(
    {
      token_type: 'Bearer',
      expires_in: expiresIn,
      ext_expires_in: expiresIn,
      expires_on: String(t.expiresAt),
      not_before: String(t.issuedAt),
      resource,
    },
    t.accessToken,
  );
}
