import type { KeyObject } from 'node:crypto';
import type { Clock } from '../../../kernel/clock.js';
import { DomainError } from '../../../kernel/errors.js';
import type { Logger } from '../../../kernel/log.js';
import type { FederationIssuerRepo } from '../../../store/store.js';
import { show } from '../jwt/errors.js';
import { IssuerFetchError, type JsonFetcher } from './https-json.js';
import type { IssuerHostPolicy } from './issuer-hosts.js';
import { parseJwks } from './jwks.js';

/** Where an issuer's keys came from; error messages name it so operators know what to fix. */
export type KeySource = 'openmi' | 'registered' | 'discovery';

export interface IssuerKeySet {
  source: KeySource;
  /** Human description of the source, for error messages. */
  describe: string;
  keyFor(kid: string): KeyObject | undefined;
}

/** The slice of KeyRing this needs (openmi's own workload issuer signs with the KeyRing). */
export interface OwnKeys {
  publicKey(kid: string): KeyObject | undefined;
  reload(): Promise<void>;
}

export interface IssuerKeysDeps {
  /** Which hosts may be fetched; its `ownIssuer` is openmi's own workload issuer URL. */
  policy: IssuerHostPolicy;
  ownKeys: OwnKeys;
  registered: Pick<FederationIssuerRepo, 'getByIssuer'>;
  /** Should be a guardedJsonFetcher over the same policy; the policy is also checked here first. */
  fetchJson: JsonFetcher;
  clock: Clock;
  /** Why discovery failed goes here, never to the caller. */
  log: Pick<Logger, 'warn'>;
}

/** Issuers rotate keys rarely and publish new ones ahead of use; 10 min bounds staleness. */
export const DISCOVERY_CACHE_MS = 10 * 60_000;
/**
 * At most one network attempt per issuer in this interval, whatever the outcome: a failure is
 * remembered (negative cache) and a forged kid cannot make openmi hammer an issuer. The same
 * interval bounds reloads of openmi's own keys after an unknown kid.
 */
export const FETCH_INTERVAL_MS = 30_000;
/** Issuers remembered at once; only issuers some federated credential names ever get here. */
const MAX_REMEMBERED = 10_000;

interface Entry {
  lastAttempt: number;
  keys?: Map<string, KeyObject>;
  fetchedAt?: number;
}

/** The one answer for every discovery failure: closed port, TLS, HTTP status, silence, bad content. */
const unavailable = (issuer: string) =>
  new DomainError(
    'unauthenticated',
    `The signing keys of issuer ${show(issuer)} could not be obtained: the issuer's OpenID configuration or JWKS could not be retrieved. openmi's log has the reason; to trust an issuer openmi cannot or may not reach, an administrator registers its JWKS with 'openmi federation-issuer add'.`,
    { code: 'issuer_keys_unavailable' },
  );

/**
 * Verification keys per issuer, in a fixed order: openmi's own workload issuer (the KeyRing),
 * then a JWKS an administrator registered, then OpenID discovery over HTTPS (cached, rate-limited,
 * and only to hosts the policy allows). Only issuers some federated credential names get here (the
 * verifier looks keys up after a credential matched), so arbitrary callers cannot grow the cache.
 */
export class IssuerKeys {
  private readonly entries = new Map<string, Entry>();
  private readonly inflight = new Map<string, Promise<Map<string, KeyObject>>>();
  private lastOwnReload = -Infinity;

  constructor(private readonly d: IssuerKeysDeps) {}

  async forIssuer(issuer: string): Promise<IssuerKeySet> {
    if (issuer === this.d.policy.ownIssuer) return this.own();
    const registered = await this.d.registered.getByIssuer(issuer);
    if (registered) {
      const keys = parseJwks(registered.jwks).keys;
      return {
        source: 'registered',
        describe: `the JWKS registered as federation issuer '${registered.name}'`,
        keyFor: (kid) => keys.get(kid),
      };
    }
    const e = this.entries.get(issuer);
    if (e?.keys && this.d.clock.now() - e.fetchedAt! < DISCOVERY_CACHE_MS) return this.discovered(issuer, e.keys);
    return this.discovered(issuer, await this.attempt(issuer));
  }

  /** After an unknown kid: one re-read of the source, unless one happened within the interval. */
  async refresh(issuer: string, set: IssuerKeySet): Promise<IssuerKeySet | undefined> {
    if (set.source === 'registered') return undefined;
    const now = this.d.clock.now();
    if (set.source === 'openmi') {
      if (now - this.lastOwnReload < FETCH_INTERVAL_MS) return undefined;
      this.lastOwnReload = now;
      // Another node may have rotated the shared signing keys since this one loaded them.
      await this.d.ownKeys.reload();
      return this.own();
    }
    if (now - (this.entries.get(issuer)?.lastAttempt ?? -Infinity) < FETCH_INTERVAL_MS) return undefined;
    return this.discovered(issuer, await this.attempt(issuer));
  }

  private own(): IssuerKeySet {
    return { source: 'openmi', describe: "openmi's own signing keys", keyFor: (kid) => this.d.ownKeys.publicKey(kid) };
  }

  private discovered(issuer: string, keys: Map<string, KeyObject>): IssuerKeySet {
    return {
      source: 'discovery',
      describe: `the JWKS found through OpenID discovery of ${show(issuer)}`,
      keyFor: (kid) => keys.get(kid),
    };
  }

  /** One attempt per issuer at a time (concurrent token requests share it), and one per interval. */
  private attempt(issuer: string): Promise<Map<string, KeyObject>> {
    const running = this.inflight.get(issuer);
    if (running) return running;
    const now = this.d.clock.now();
    const e = this.entries.get(issuer);
    if (e && now - e.lastAttempt < FETCH_INTERVAL_MS)
      return e.keys ? Promise.resolve(e.keys) : Promise.reject(unavailable(issuer));
    // Keys still within their cache lifetime survive a failed refresh (an unknown kid cannot wipe them).
    const keep = e?.keys && now - e.fetchedAt! < DISCOVERY_CACHE_MS ? { keys: e.keys, fetchedAt: e.fetchedAt! } : {};
    this.remember(issuer, { lastAttempt: now, ...keep });
    const p = this.discover(issuer)
      .then((keys) => {
        this.remember(issuer, { lastAttempt: now, keys, fetchedAt: this.d.clock.now() });
        return keys;
      })
      .catch((err: unknown) => {
        this.d.log.warn(
          { issuer, reason: (err as Error).message },
          'OpenID discovery of a federation issuer failed; token requests naming it are refused for now',
        );
        throw unavailable(issuer);
      })
      .finally(() => this.inflight.delete(issuer));
    this.inflight.set(issuer, p);
    return p;
  }

  private remember(issuer: string, entry: Entry): void {
    this.entries.delete(issuer);
    this.entries.set(issuer, entry);
    if (this.entries.size > MAX_REMEMBERED) this.entries.delete(this.entries.keys().next().value!);
  }

  private async discover(issuer: string): Promise<Map<string, KeyObject>> {
    // Checked here too, so no fetcher is ever handed a URL the policy forbids.
    const why = this.d.policy.issuerRefusal(issuer);
    if (why) throw new IssuerFetchError(`refused before connecting: ${why}`);
    // OpenID Connect Discovery §4: strip one trailing '/', then append the well-known path.
    const configUrl = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const config = await this.get(configUrl);
    // §4.3: the document must name the same issuer, or another host could vouch for this one.
    if (config.issuer !== issuer)
      throw new IssuerFetchError(`${configUrl} names issuer ${show(config.issuer)}, not ${show(issuer)}`);
    if (typeof config.jwks_uri !== 'string') throw new IssuerFetchError(`${configUrl} has no 'jwks_uri'`);
    const jwksWhy = this.d.policy.refusal(config.jwks_uri);
    if (jwksWhy)
      throw new IssuerFetchError(`its jwks_uri ${show(config.jwks_uri)} is refused before connecting: ${jwksWhy}`);
    const parsed = parseJwks(await this.get(config.jwks_uri));
    if (parsed.keys.size === 0)
      throw new IssuerFetchError(
        `${config.jwks_uri} has no usable RS256/ES256 keys (${parsed.problems.slice(0, 3).join('; ') || 'it is empty'})`,
      );
    return parsed.keys;
  }

  private async get(url: string): Promise<Record<string, unknown>> {
    const doc = await this.d.fetchJson(url);
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
      throw new IssuerFetchError(`${url} did not return a JSON object`);
    return doc as Record<string, unknown>;
  }
}
