import { createPublicKey, type KeyObject } from 'node:crypto';
import { request } from 'node:https';
import { verifyJwt, JwtVerifyError, type VerifiedJwt } from '../server/tokens/jwt/verify.js';
import type { BearerVerifier } from '../server/surfaces/data-plane-auth/data-plane-auth.js';

/** After an unknown kid, fetch the JWKS at most this often, so forged kids cannot hammer the server. */
const RELOAD_COOLDOWN_MS = 5_000;
const FETCH_TIMEOUT_MS = 5_000;

function fetchJson(url: string, ca: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(url, { ca, timeout: FETCH_TIMEOUT_MS }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        res.statusCode === 200
          ? resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')))
          : reject(new Error(`GET ${url}: ${res.statusCode}`)),
      );
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: timed out`)));
    req.on('error', reject);
    req.end();
  });
}

/**
 * Verifies openmi tokens outside the server (the gate, users' services): the server's JWKS over
 * HTTPS, cached, re-fetched on an unknown kid (keys rotate) with a cooldown.
 */
export class JwksVerifier implements BearerVerifier {
  private keys = new Map<string, KeyObject>();
  private lastFetch = 0;

  constructor(
    private readonly serverUrl: string,
    private readonly tenantId: string,
    private readonly ca: string,
    private readonly now: () => number = Date.now,
  ) {}

  async verify(token: string, audiences: readonly string[]): Promise<VerifiedJwt> {
    if (this.lastFetch === 0) await this.reload();
    try {
      return this.verifyNow(token, audiences);
    } catch (e) {
      if (
        !(e instanceof JwtVerifyError) ||
        e.code !== 'unknown_kid' ||
        this.now() - this.lastFetch < RELOAD_COOLDOWN_MS
      )
        throw e;
      await this.reload();
      return this.verifyNow(token, audiences);
    }
  }

  private verifyNow(token: string, audiences: readonly string[]): VerifiedJwt {
    const base = `${this.serverUrl}/${this.tenantId}`;
    return verifyJwt(token, {
      keyFor: (kid) => this.keys.get(kid),
      issuers: [`${base}/`, `${base}/v2.0`],
      audiences,
      tenantId: this.tenantId,
      nowSeconds: Math.floor(this.now() / 1000),
    });
  }

  private async reload(): Promise<void> {
    this.lastFetch = this.now();
    const jwks = (await fetchJson(`${this.serverUrl}/${this.tenantId}/discovery/v2.0/keys`, this.ca)) as {
      keys?: { kid?: string; kty?: string }[];
    };
    const next = new Map<string, KeyObject>();
    for (const k of jwks.keys ?? [])
      if (typeof k.kid === 'string' && k.kty === 'RSA')
        next.set(k.kid, createPublicKey({ key: k as never, format: 'jwk' }));
    this.keys = next;
  }
}
