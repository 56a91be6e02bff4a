import { createPrivateKey, createPublicKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';

/**
 * Signs and checks the registry's own JWTs (refresh and access tokens) with the server's TLS key.
 * Distribution 2.8 accepts a token whose `x5c` header chains to its `rootcertbundle`
 * (https://distribution.github.io/distribution/spec/auth/jwt/), so the registry is configured with
 * openmi's ca.pem and keeps working when a node re-issues its leaf or several nodes sign.
 */
export class RegistryJwt {
  private readonly key: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly x5c: string[];

  constructor(certPem: string, keyPem: string) {
    this.key = createPrivateKey(keyPem);
    const cert = new X509Certificate(certPem);
    this.publicKey = createPublicKey(cert.publicKey.export({ type: 'spki', format: 'pem' }));
    this.x5c = [cert.raw.toString('base64')];
  }

  sign(claims: Record<string, unknown>): string {
    const header = { typ: 'JWT', alg: 'RS256', x5c: this.x5c };
    const input = `${b64(header)}.${b64(claims)}`;
    return `${input}.${sign('sha256', Buffer.from(input), this.key).toString('base64url')}`;
  }

  /** The claims of a token this node signed, or undefined when the signature does not hold. */
  read(token: string): Record<string, unknown> | undefined {
    if (token.length > 16_384) return undefined;
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const ok = verify(
      'sha256',
      Buffer.from(`${parts[0]}.${parts[1]}`),
      this.publicKey,
      Buffer.from(parts[2]!, 'base64url'),
    );
    if (!ok) return undefined;
    try {
      const claims: unknown = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8'));
      return typeof claims === 'object' && claims !== null ? (claims as Record<string, unknown>) : undefined;
    } catch {
      return undefined;
    }
  }
}

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v), 'utf8').toString('base64url');
