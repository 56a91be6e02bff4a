import { createPrivateKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import type { Clock } from '../../kernel/clock.js';

/** A token is a few hundred bytes plus one certificate; anything far larger is not ours. */
const MAX_TOKEN_CHARS = 16_384;
const MAX_LEAF_B64_CHARS = 8_192;

/**
 * Signs and checks the registry's own JWTs (refresh and access tokens) with the installation's
 * registry token signing certificate (pki/registry-signing.ts). Distribution 2.8 accepts a token
 * whose `x5c` chains to its `rootcertbundle` (https://distribution.github.io/distribution/spec/auth/jwt/);
 * the bundle is that one self-signed certificate, so only a holder of its key (openmi) signs
 * tokens the registry accepts; ca.pem would also admit every Key Vault certificate the CA issues.
 * `read` is as strict: the `x5c` must be exactly that certificate. Every node shares the pair
 * through the store, so a refresh token one node issued is good on all (docs/registries.md).
 */
export class RegistryJwt {
  private readonly key: KeyObject;
  private readonly cert: X509Certificate;
  private readonly x5c: string[];
  private readonly notBefore: number;
  private readonly notAfter: number;

  constructor(
    signing: { certPem: string; keyPem: string },
    private readonly clock: Clock,
  ) {
    this.key = createPrivateKey(signing.keyPem);
    this.cert = new X509Certificate(signing.certPem);
    if (!this.cert.checkPrivateKey(this.key))
      throw new Error('the registry signing key does not match its certificate');
    this.x5c = [this.cert.raw.toString('base64')];
    this.notBefore = Date.parse(this.cert.validFrom);
    this.notAfter = Date.parse(this.cert.validTo);
  }

  sign(claims: Record<string, unknown>): string {
    const header = { typ: 'JWT', alg: 'RS256', x5c: this.x5c };
    const input = `${b64(header)}.${b64(claims)}`;
    return `${input}.${sign('sha256', Buffer.from(input), this.key).toString('base64url')}`;
  }

  /** The claims of a token signed with the registry signing key, or undefined when it does not hold. */
  read(token: string): Record<string, unknown> | undefined {
    if (token.length > MAX_TOKEN_CHARS) return undefined;
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const header = json(parts[0]!);
    if (header?.['alg'] !== 'RS256' || !this.isOurX5c(header['x5c'])) return undefined;
    const now = this.clock.now();
    if (now < this.notBefore || now > this.notAfter) return undefined;
    const ok = verify(
      'sha256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      this.cert.publicKey,
      Buffer.from(parts[2]!, 'base64url'),
    );
    return ok ? json(parts[1]!) : undefined;
  }

  /** Exactly our certificate, compared as DER: no chain, no other leaf, however it was issued. */
  private isOurX5c(x5c: unknown): boolean {
    if (!Array.isArray(x5c) || x5c.length !== 1 || typeof x5c[0] !== 'string') return false;
    if (x5c[0].length > MAX_LEAF_B64_CHARS) return false;
    return Buffer.from(x5c[0], 'base64').equals(this.cert.raw);
  }
}

function json(part: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');
