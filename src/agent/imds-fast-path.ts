import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Clock } from '../kernel/clock.js';
import { splitTarget } from '../kernel/http/path.js';
import { renderedBody, type BodyKind } from './metadata-bodies.js';
import { sendRendered, type SecretDigest } from './metadata-http.js';
import {
  APP_SERVICE_SELECTORS,
  hasMetadataHeader,
  IMDS_SELECTORS,
  isForwarded,
  LEGACY_SELECTORS,
  parseSelector,
  requireDatedVersion,
  requireResource,
  single,
} from './metadata-params.js';
import { APP_SERVICE_VERSION, LEGACY_VERSION } from './metadata-routes.js';
import type { RequestGuard } from './request-guard.js';
import { cacheKey, type TokenCache } from './token-cache.js';
import type { IdentitySelector, MintedToken } from './upstream.js';

/**
 * The synchronous answer to the request a busy workload repeats: a GET of the IMDS or App Service
 * token endpoint that the token cache can answer. G1 (docs/performance.md) asks this to cost at
 * most 1.25× a bare node:http answer; the async route (promises, a deadline timer, URL and query
 * parsing, JSON serialization, a fresh correlation id) cost more than twice that. Anything this
 * does not answer — other paths, bad headers or parameters, misses — goes to the full route,
 * which produces every error, so this path only ever decides "answer now" or "not mine".
 */

export const IMDS_TOKEN_PATH = '/metadata/identity/oauth2/token';

/** A request target's validated parameters. Frozen: one object serves every request with that target. */
export interface ImdsQuery {
  readonly resource: string;
  readonly selector: IdentitySelector | undefined;
}

/** A target of either token endpoint, with the body shape its answer takes and its token cache key. */
export interface TokenQuery extends ImdsQuery {
  readonly kind: BodyKind;
  readonly key: string;
}

/** Distinct targets a host sends are few (one per identity × resource); a flood of others just clears the memo. */
export const QUERY_MEMO_ENTRIES = 256;

const frozen = (kind: BodyKind, resource: string, selector: IdentitySelector | undefined): TokenQuery =>
  Object.freeze({
    kind,
    resource,
    selector: selector === undefined ? undefined : Object.freeze(selector),
    key: cacheKey(selector, resource),
  });

/**
 * The IMDS parameters of `rawUrl` when the target is the token endpoint and every check of
 * `imdsToken` passes; undefined otherwise (the full route then explains what is wrong).
 */
export function parseImdsTarget(rawUrl: string): ImdsQuery | undefined {
  const { path, query } = splitTarget(rawUrl);
  if (path.toLowerCase() !== IMDS_TOKEN_PATH) return undefined;
  try {
    requireDatedVersion(query, '2018-02-01');
    const resource = requireResource(query);
    const selector = parseSelector(query, IMDS_SELECTORS);
    return Object.freeze({ resource, selector: selector === undefined ? undefined : Object.freeze(selector) });
  } catch {
    return undefined;
  }
}

/**
 * The same for a GET of the App Service endpoint at `appServicePath` (normalized, lower-case):
 * every check of `appServiceToken` on the target; the secret header is checked per request.
 */
export function parseAppServiceTarget(rawUrl: string, appServicePath: string): TokenQuery | undefined {
  const { path, query } = splitTarget(rawUrl);
  if (path.toLowerCase() !== appServicePath) return undefined;
  try {
    const version = single(query, 'api-version');
    const kind = version === APP_SERVICE_VERSION ? 'appService' : version === LEGACY_VERSION ? 'legacy' : undefined;
    if (kind === undefined) return undefined;
    const resource = requireResource(query);
    return frozen(kind, resource, parseSelector(query, kind === 'legacy' ? LEGACY_SELECTORS : APP_SERVICE_SELECTORS));
  } catch {
    return undefined;
  }
}

/** The App Service endpoint as the full route serves it: its path and the two secrets it checks. */
export interface AppServiceTarget {
  /** Normalized as the routes normalize it (lower-case, no trailing slash). */
  path: string;
  /** X-IDENTITY-HEADER (2019-08-01). */
  identityHeader: SecretDigest;
  /** `secret` (2017-09-01). */
  msiSecret: SecretDigest;
}

export class ImdsFastPath {
  /** Raw target → parameters; only successful parses are kept, so errors always take the full route. */
  private readonly memo = new Map<string, TokenQuery>();

  constructor(
    private readonly cache: TokenCache,
    private readonly clock: Clock,
    /** The full route's Host/Origin/Sec-Fetch-Site checks, in their hot-path form. */
    private readonly guard: RequestGuard,
    /** Called after each answer: the agent's sign-in row for a request the server never sees. */
    private readonly onHit?: (req: IncomingMessage, resource: string, token: MintedToken, now: number) => void,
    /** Also answer App Service GETs (absent: IMDS only). */
    private readonly appService?: AppServiceTarget,
  ) {}

  /** Targets currently memoized (for tests). */
  get memoized(): number {
    return this.memo.size;
  }

  /**
   * Answers and returns true on a cache hit; returns false, having written nothing, otherwise.
   * The header checks run on every request: only the URL's parse is memoized.
   */
  tryAnswer(req: IncomingMessage, res: ServerResponse, correlationId: () => string): boolean {
    try {
      return this.answer(req, res, correlationId);
    } catch {
      // This runs outside the full route's error handling, where a throw would end the agent.
      // Nothing here is expected to throw; if it does, the full route answers (and reports) instead.
      if (!res.headersSent) return false;
      res.destroy();
      return true;
    }
  }

  private answer(req: IncomingMessage, res: ServerResponse, correlationId: () => string): boolean {
    if (req.method !== 'GET' || !this.guard.admits(req)) return false;
    const query = this.query(req.url ?? '/');
    if (query === undefined || !this.headersPass(req, query.kind)) return false;
    // One clock read serves the cache's expiry check, the body's lifetimes and the sign-in.
    const now = this.clock.now();
    const token = this.cache.peekKey(query.key, query.resource, query.selector, now, correlationId);
    if (token === undefined) return false;
    sendRendered(res, renderedBody(query.kind, token, query.resource, Math.floor(now / 1000)));
    this.onHit?.(req, query.resource, token, now);
    return true;
  }

  /** Each protocol's own defence, as its route checks it: `Metadata: true` and no proxy, or the secret header. */
  private headersPass(req: IncomingMessage, kind: BodyKind): boolean {
    if (kind === 'imds') return !isForwarded(req) && hasMetadataHeader(req);
    const app = this.appService!;
    return kind === 'legacy'
      ? app.msiSecret.matches(req.headers['secret'])
      : app.identityHeader.matches(req.headers['x-identity-header']);
  }

  private query(rawUrl: string): TokenQuery | undefined {
    const known = this.memo.get(rawUrl);
    if (known !== undefined) return known;
    const imds = parseImdsTarget(rawUrl);
    const parsed =
      imds !== undefined
        ? frozen('imds', imds.resource, imds.selector)
        : this.appService && parseAppServiceTarget(rawUrl, this.appService.path);
    if (parsed === undefined) return undefined;
    if (this.memo.size >= QUERY_MEMO_ENTRIES) this.memo.clear();
    this.memo.set(rawUrl, parsed);
    return parsed;
  }
}
