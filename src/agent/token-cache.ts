import type { Clock } from '../kernel/clock.js';
import { systemRandom } from '../kernel/ids.js';
import type { Logger } from '../kernel/log.js';
import {
  UpstreamRefusal,
  type IdentitySelector,
  type Invalidation,
  type MintedToken,
  type TokenUpstream,
} from './upstream.js';

/**
 * A token is served only while more than this remains. Normally a token is replaced at half-life,
 * long before this matters; the margin decides how long an outage of the server can be ridden out.
 * A token handed out must still outlive the client's retries, the trip to the resource server
 * and any lag of this host's clock behind that server's, which a minute covers. (MSAL treats a token within 300 s
 * of expiry as expired and asks again on every call, which here is only a cache hit.)
 */
export const SERVE_MARGIN_MS = 60_000;
/** After a failed background refresh, wait this long before trying again (the old token is still served). */
export const REFRESH_RETRY_MS = 10_000;
const DEFAULT_MAX_ENTRIES = 10_000;

interface Entry {
  token: MintedToken;
  /** Epoch ms after which the token is a miss (expiry minus the margin). */
  serveUntil: number;
  /** Epoch ms from which a hit also starts a background refresh (half-life). */
  refreshAt: number;
  /** A background refresh failed for want of the server: hits now serve a token it has not renewed. */
  stale: boolean;
}

/** What the cache did, since the agent started (the agent's /metrics). */
export interface TokenCacheStats {
  /** Requests answered from the cache. */
  hit: number;
  /** Requests that waited for the server (or for a mint already in flight). */
  miss: number;
  /** Background refreshes started at half-life. */
  refresh: number;
  /** Requests answered with a token whose refresh failed because the server could not be reached. */
  stale: number;
}

export interface TokenCacheOptions {
  upstream: TokenUpstream;
  clock: Clock;
  maxEntries?: number;
  /** Failed background refreshes are logged here (the caller got a cached token, so nobody else sees them). */
  log?: Logger;
}

// mi_res_id (App Service) and msi_res_id (IMDS) both carry the identity's ARM id.
const selectorKey = (s: IdentitySelector | undefined): string =>
  s === undefined ? 'system' : `${s.name === 'mi_res_id' ? 'msi_res_id' : s.name}=${s.value.toLowerCase()}`;

// The resource is kept exact: the SDKs cache per exact string, and `https://x` and `https://x/`
// may be different audiences to the resource server. (The success bodies echo it, so a body
// cached per entry always carries the request's own resource.)
export const cacheKey = (s: IdentitySelector | undefined, resource: string): string => `${selectorKey(s)}\n${resource}`;

/** Tokens per (identity selector × resource) with single-flight minting and half-life refresh. */
export class TokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<MintedToken>>();
  /** Bumped by every invalidation: a mint that started before one must not fill the cache after it. */
  private generation = 0;
  private readonly upstream: TokenUpstream;
  private readonly clock: Clock;
  private readonly maxEntries: number;
  private readonly log: Logger | undefined;
  /** Plain counters, read when /metrics is scraped: the hit path only increments a number. */
  readonly stats: TokenCacheStats = { hit: 0, miss: 0, refresh: 0, stale: 0 };

  constructor(opts: TokenCacheOptions) {
    this.upstream = opts.upstream;
    this.clock = opts.clock;
    this.maxEntries = Math.max(1, opts.maxEntries ?? DEFAULT_MAX_ENTRIES);
    this.log = opts.log;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * The cached token, synchronously, or undefined on a miss: the same key, margin and half-life
   * refresh as `get`. The IMDS fast path (G1, docs/performance.md) answers from this without a promise or a
   * deadline timer; only misses go on to `get`. The correlation id is asked for only when a
   * background refresh actually starts, so a plain hit generates none.
   */
  peek(
    resource: string,
    selector: IdentitySelector | undefined,
    correlationId: () => string = () => systemRandom.uuid(),
  ): MintedToken | undefined {
    return this.hit(cacheKey(selector, resource), resource, selector, correlationId);
  }

  /**
   * `peek` for a caller that keeps the key (`cacheKey(selector, resource)`) with a memoized
   * target and has read the clock already: a cached answer builds no key string (the lookup of
   * a built one also flattens and hashes it) and reads the clock once.
   */
  peekKey(
    key: string,
    resource: string,
    selector: IdentitySelector | undefined,
    now: number,
    correlationId: () => string,
  ): MintedToken | undefined {
    return this.hit(key, resource, selector, correlationId, now);
  }

  get(resource: string, selector: IdentitySelector | undefined, correlationId: string): Promise<MintedToken> {
    const key = cacheKey(selector, resource);
    const token = this.hit(key, resource, selector, () => correlationId);
    if (token !== undefined) return Promise.resolve(token);
    this.stats.miss++;
    return this.mint(key, resource, selector, correlationId);
  }

  /** Drops the tokens of the named identities, or all of them when this agent's own resource is named. */
  invalidate(inv: Invalidation, ownResourceId: string): void {
    const ids = new Set(inv.ids.map((id) => id.toLowerCase()));
    if (ids.has(ownResourceId.toLowerCase())) {
      this.flushAll();
      return;
    }
    this.generation++;
    // A mint in flight may be for one of these identities and we cannot tell until it answers:
    // later callers start a fresh one instead of joining it.
    this.inflight.clear();
    for (const [key, { token }] of this.entries) {
      const named =
        ids.has(token.identityResourceId.toLowerCase()) ||
        ids.has(token.objectId.toLowerCase()) ||
        ids.has(token.clientId.toLowerCase());
      if (named) this.entries.delete(key);
    }
  }

  flushAll(): void {
    this.generation++;
    this.inflight.clear();
    this.entries.clear();
  }

  private mint(
    key: string,
    resource: string,
    selector: IdentitySelector | undefined,
    correlationId: string,
  ): Promise<MintedToken> {
    const pending = this.inflight.get(key);
    if (pending !== undefined) return pending;
    const generation = this.generation;
    const flight = this.startMint(resource, selector, correlationId).then((token) => {
      if (generation === this.generation) this.store(key, token);
      return token;
    });
    this.inflight.set(key, flight);
    // Errors are never cached: once this flight settles the next caller asks again.
    const settle = () => {
      if (this.inflight.get(key) === flight) this.inflight.delete(key);
    };
    flight.then(settle, settle);
    return flight;
  }

  /** A synchronous throw from an upstream becomes a rejection, so every waiter sees it. */
  private startMint(
    resource: string,
    selector: IdentitySelector | undefined,
    correlationId: string,
  ): Promise<MintedToken> {
    try {
      return this.upstream.mint(resource, selector, correlationId);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /** A fresh entry's token (starting its half-life refresh when due); an expired entry is dropped. */
  private hit(
    key: string,
    resource: string,
    selector: IdentitySelector | undefined,
    correlationId: () => string,
    now = this.clock.now(),
  ): MintedToken | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (now >= entry.serveUntil) {
      this.entries.delete(key);
      return undefined;
    }
    if (now >= entry.refreshAt) this.refresh(key, entry, resource, selector, correlationId, now);
    if (entry.stale) this.stats.stale++;
    else this.stats.hit++;
    return entry.token;
  }

  private refresh(
    key: string,
    entry: Entry,
    resource: string,
    selector: IdentitySelector | undefined,
    correlationId: () => string,
    now: number,
  ): void {
    if (this.inflight.has(key)) return;
    // Whatever happens, this entry starts no other refresh until the retry delay has passed; a
    // success replaces the entry altogether.
    entry.refreshAt = now + REFRESH_RETRY_MS;
    this.stats.refresh++;
    const id = correlationId();
    this.mint(key, resource, selector, id).catch((err: unknown) => {
      if (err instanceof UpstreamRefusal && err.definitive) return this.dropRefused(key, entry, err, id);
      entry.stale = true;
      this.log?.warn({ err, correlationId: id, resource }, 'background token refresh failed; serving the cached token');
    });
  }

  /**
   * Only an outage justifies serving a cached token without the server's say-so. A refusal means
   * the identity is no longer this resource's (detached on a node whose event never reached us,
   * revoked, deleted): drop its tokens now, so the next request asks and gets the refusal.
   */
  private dropRefused(key: string, entry: Entry, err: UpstreamRefusal, correlationId: string): void {
    this.log?.warn(
      { status: err.status, error: err.error, correlationId },
      'the server refused a token refresh; dropped the cached tokens of that identity',
    );
    if (this.entries.get(key) !== entry) return;
    this.invalidate({ ids: [entry.token.identityResourceId] }, '');
  }

  private store(key: string, token: MintedToken): void {
    const issuedMs = token.issuedAt * 1000;
    const expiresMs = token.expiresOn * 1000;
    const entry: Entry = {
      token,
      serveUntil: expiresMs - SERVE_MARGIN_MS,
      refreshAt: issuedMs + (expiresMs - issuedMs) / 2,
      stale: false,
    };
    // Delete first so a re-stored key moves to the end: the first key is always the oldest.
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, entry);
  }
}
