import { createHash, createPrivateKey, sign, verify, X509Certificate, type KeyObject } from 'node:crypto';
import type { Clock } from '../../kernel/clock.js';
import { isNodeLeaf } from '../pki/server-cert.js';
import { x509 } from '../pki/x509.js';

/** A token is a few hundred bytes plus one certificate; anything far larger is not ours. */
const MAX_TOKEN_CHARS = 16_384;
const MAX_LEAF_B64_CHARS = 8_192;
/** Verified leaves kept: one per node of the installation (and its re-issued leaves), with room to spare. */
export const MAX_CACHED_LEAVES = 64;

interface TrustedLeaf {
  key: KeyObject;
  notBefore: number;
  notAfter: number;
}

/**
 * Signs and checks the registry's own JWTs (refresh and access tokens) with the server's TLS key.
 * Distribution 2.8 accepts a token whose `x5c` header chains to its `rootcertbundle`
 * (https://distribution.github.io/distribution/spec/auth/jwt/), so the registry is configured with
 * openmi's ca.pem and keeps working when a node re-issues its leaf or several nodes sign. `read`
 * follows the same rule, narrowed to nodes' own leaves (isNodeLeaf), so a refresh token one
 * node issued is good on every node sharing the CA (docs/operations.md, "several nodes").
 */
export class RegistryJwt {
  private readonly key: KeyObject;
  private readonly x5c: string[];
  private readonly ca: X509Certificate;
  /** Leaves whose chain to the CA has been verified, by SHA-256 of their DER; oldest evicted first. */
  private readonly leaves = new Map<string, TrustedLeaf>();

  constructor(
    certPem: string,
    keyPem: string,
    private readonly trust: { caPem: string; clock: Clock },
  ) {
    this.key = createPrivateKey(keyPem);
    this.x5c = [new X509Certificate(certPem).raw.toString('base64')];
    this.ca = new X509Certificate(trust.caPem);
  }

  sign(claims: Record<string, unknown>): string {
    const header = { typ: 'JWT', alg: 'RS256', x5c: this.x5c };
    const input = `${b64(header)}.${b64(claims)}`;
    return `${input}.${sign('sha256', Buffer.from(input), this.key).toString('base64url')}`;
  }

  /** The claims of a token signed by a leaf of the installation CA, or undefined when it does not hold. */
  read(token: string): Record<string, unknown> | undefined {
    if (token.length > MAX_TOKEN_CHARS) return undefined;
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const header = json(parts[0]!);
    if (header?.['alg'] !== 'RS256' || !Array.isArray(header['x5c'])) return undefined;
    const leaf = typeof header['x5c'][0] === 'string' ? this.trustedKey(header['x5c'][0]) : undefined;
    if (!leaf) return undefined;
    const ok = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), leaf, Buffer.from(parts[2]!, 'base64url'));
    return ok ? json(parts[1]!) : undefined;
  }

  /** The leaf's public key when the CA issued it to a node, it is valid now and may sign; else undefined. */
  private trustedKey(leafB64: string): KeyObject | undefined {
    if (leafB64.length > MAX_LEAF_B64_CHARS) return undefined;
    const der = Buffer.from(leafB64, 'base64');
    const id = createHash('sha256').update(der).digest('hex');
    const leaf = this.leaves.get(id) ?? this.verifyLeaf(der, id);
    const now = this.trust.clock.now();
    // Checked on every read: a cached leaf expires like any other.
    return leaf && leaf.notBefore <= now && now <= leaf.notAfter ? leaf.key : undefined;
  }

  private verifyLeaf(der: Buffer, id: string): TrustedLeaf | undefined {
    try {
      const cert = new X509Certificate(der);
      if (cert.ca || !cert.checkIssued(this.ca) || !cert.verify(this.ca.publicKey)) return undefined;
      if (cert.publicKey.asymmetricKeyType !== 'rsa') return undefined; // RS256 only
      const parsed = new x509.X509Certificate(der);
      const usage = parsed.getExtension(x509.KeyUsagesExtension);
      if (!usage || (usage.usages & x509.KeyUsageFlags.digitalSignature) === 0) return undefined;
      // The CA also signs Key Vault certificates and gates' leaves: only a node's own leaf may sign.
      if (!isNodeLeaf(parsed)) return undefined;
      const leaf = { key: cert.publicKey, notBefore: Date.parse(cert.validFrom), notAfter: Date.parse(cert.validTo) };
      if (this.leaves.size >= MAX_CACHED_LEAVES) this.leaves.delete(this.leaves.keys().next().value!);
      this.leaves.set(id, leaf);
      return leaf;
    } catch {
      return undefined; // not a certificate
    }
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
