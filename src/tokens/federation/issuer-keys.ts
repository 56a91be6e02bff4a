import type { KeyObject } from 'node:crypto';
import type { Clock } from '../../kernel/clock.js';
import { DomainError } from '../../kernel/errors.js';
import type { FederationIssuerRepo } from '../../store/store.js';
import type { JsonFetcher } from './https-json.js';
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
  /** openmi's own workload issuer URL, `{baseUrl}/openmi/workload`. */
  workloadIssuer: string;
  ownKeys: OwnKeys;
  registered: Pick<FederationIssuerRepo, 'getByIssuer'>;
  fetchJson: JsonFetcher;
  clock: Clock;
}

/** Issuers rotate keys rarely and publish new ones ahead of use; 10 min bounds staleness. */
export const DISCOVERY_CACHE_MS = 10 * 60_000;
/** An unknown kid refetches at most this often per issuer, so forged kids cannot make us hammer an issuer. */
export const REFETCH_COOLDOWN_MS = 30_000;

interface Cached {
  keys: Map<string, KeyObject>;
  fetchedAt: number;
}

const unavailable = (issuer: string, why: string) =>
  new DomainError('unauthenticated', `The signing keys of issuer '${issuer}' could not be obtained through OpenID discovery: ${why}. Register the issuer's JWKS with 'openmi federation-issuer add' if openmi cannot reach it.`, { code: 'issuer_keys_unavailable' });

/**
 * Verification keys per issuer, in a fixed order: openmi's own workload issuer (the KeyRing),
 * then a JWKS an administrator registered, then OpenID discovery over HTTPS (cached). The cache
 * holds only issuers some federated credential names (the verifier looks keys up after a credential
 * matched), so it cannot be grown by arbitrary callers.
 */
export class IssuerKeys {
  private readonly cache = new Map<string, Cached>();
  private readonly inflight = new Map<string, Promise<Cached>>();
  private readonly lastRefetch = new Map<string, number>();

  constructor(private readonly d: IssuerKeysDeps) {}

  async forIssuer(issuer: string): Promise<IssuerKeySet> {
    if (issuer === this.d.workloadIssuer) return this.own();
    const registered = await this.d.registered.getByIssuer(issuer);
    if (registered) {
      const keys = parseJwks(registered.jwks).keys;
      return { source: 'registered', describe: `the JWKS registered as federation issuer '${registered.name}'`, keyFor: (kid) => keys.get(kid) };
    }
    const hit = this.cache.get(issuer);
    const fresh = hit && this.d.clock.now() - hit.fetchedAt < DISCOVERY_CACHE_MS ? hit : await this.fetch(issuer);
    return this.discovered(issuer, fresh);
  }

  /** After an unknown kid: one re-read of the source unless one happened within the cooldown. */
  async refresh(issuer: string, set: IssuerKeySet): Promise<IssuerKeySet | undefined> {
    if (set.source === 'registered') return undefined;
    const now = this.d.clock.now();
    if (now - (this.lastRefetch.get(issuer) ?? -Infinity) < REFETCH_COOLDOWN_MS) return undefined;
    this.lastRefetch.set(issuer, now);
    if (set.source === 'openmi') {
      // Another node may have rotated the shared signing keys since this one loaded them.
      await this.d.ownKeys.reload();
      return this.own();
    }
    return this.discovered(issuer, await this.fetch(issuer));
  }

  private own(): IssuerKeySet {
    return { source: 'openmi', describe: "openmi's own signing keys", keyFor: (kid) => this.d.ownKeys.publicKey(kid) };
  }

  private discovered(issuer: string, c: Cached): IssuerKeySet {
    return { source: 'discovery', describe: `the JWKS found through OpenID discovery of '${issuer}'`, keyFor: (kid) => c.keys.get(kid) };
  }

  /** One fetch per issuer at a time: concurrent token requests share it. */
  private fetch(issuer: string): Promise<Cached> {
    const running = this.inflight.get(issuer);
    if (running) return running;
    const p = this.discover(issuer)
      .then((keys) => {
        const c = { keys, fetchedAt: this.d.clock.now() };
        this.cache.set(issuer, c);
        return c;
      })
      .finally(() => this.inflight.delete(issuer));
    this.inflight.set(issuer, p);
    return p;
  }

  private async discover(issuer: string): Promise<Map<string, KeyObject>> {
    // OpenID Connect Discovery §4: strip one trailing '/', then append the well-known path.
    const configUrl = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
    const config = await this.get(issuer, configUrl);
    // §4.3: the document must name the same issuer, or another host could vouch for this one.
    if (config.issuer !== issuer) throw unavailable(issuer, `${configUrl} names issuer '${String(config.issuer).slice(0, 200)}', not '${issuer}'`);
    if (typeof config.jwks_uri !== 'string') throw unavailable(issuer, `${configUrl} has no 'jwks_uri'`);
    const parsed = parseJwks(await this.get(issuer, config.jwks_uri));
    if (parsed.keys.size === 0) throw unavailable(issuer, `${config.jwks_uri} has no usable RS256/ES256 keys (${parsed.problems.slice(0, 3).join('; ') || 'it is empty'})`);
    return parsed.keys;
  }

  private async get(issuer: string, url: string): Promise<Record<string, unknown>> {
    let doc: unknown;
    try {
      doc = await this.d.fetchJson(url);
    } catch (e) {
      throw unavailable(issuer, (e as Error).message);
    }
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw unavailable(issuer, `${url} did not return a JSON object`);
    return doc as Record<string, unknown>;
  }
}
