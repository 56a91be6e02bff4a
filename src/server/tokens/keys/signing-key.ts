import { X509Certificate, createHash, createPrivateKey, type KeyObject } from 'node:crypto';
import type { Clock } from '../../../kernel/clock.js';
import { systemRandom, type Random } from '../../../kernel/ids.js';
import { BACKDATE_MS, DAY_MS, generateRsaKeyPair, privateKeyToPem, randomSerial, x509 } from '../../pki/x509.js';

/** A JWKS entry shaped like Entra's (login.microsoftonline.com/{tenant}/discovery/v2.0/keys). */
export interface PublicJwk {
  kty: 'RSA';
  use: 'sig';
  alg: 'RS256';
  kid: string;
  x5t: string;
  n: string;
  e: string;
  /** Standard base64 (not base64url) DER, per RFC 7517 §4.7. */
  x5c: string[];
  /** Entra's v2 JWKS tags each key with its issuer; set by the caller when it applies. */
  issuer?: string;
}

export interface GeneratedSigningKey {
  kid: string;
  /** PKCS#8 PEM; seal it before storing. */
  privateKeyPem: string;
  publicJwk: PublicJwk;
}

/**
 * Entra's signing certificates are long-lived (several years) and retired by rotating keys in
 * JWKS, not by expiry; verifiers don't validate x5c dates by default (Microsoft.IdentityModel's
 * ValidateIssuerSigningKey is off), so the date range only has to cover the key's life.
 */
const CERT_VALIDITY_DAYS = 5 * 365;
const MIN_RSA_BITS = 2048;

/**
 * A new RS256 signing key with a self-signed certificate, because Entra's JWKS publishes x5c
 * and some clients (e.g. Microsoft.IdentityModel) build the verification key from it.
 * RSA-2048 like Entra: 3072 would cut token minting throughput to about a third.
 */
export async function generateSigningKey(clock: Clock, random: Random = systemRandom): Promise<GeneratedSigningKey> {
  const keys = await generateRsaKeyPair();
  const notBefore = new Date(clock.now() - BACKDATE_MS);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(random),
    name: 'CN=openmi token signing, O=openmi',
    notBefore,
    notAfter: new Date(notBefore.getTime() + CERT_VALIDITY_DAYS * DAY_MS),
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
    ],
  });
  const privateKeyPem = await privateKeyToPem(keys.privateKey);
  const publicJwk = publicJwkFromCertificate(Buffer.from(cert.rawData));
  return { kid: publicJwk.kid, privateKeyPem, publicJwk };
}

/** Builds the JWK from the certificate DER, so kid/x5t/x5c and n/e can never disagree. */
export function publicJwkFromCertificate(der: Buffer): PublicJwk {
  // x5t is base64url(SHA-1(DER)) by RFC 7517 §4.8; Entra also uses it verbatim as the kid.
  const x5t = createHash('sha1').update(der).digest('base64url');
  const jwk = new X509Certificate(der).publicKey.export({ format: 'jwk' });
  if (jwk.kty !== 'RSA' || typeof jwk.n !== 'string' || typeof jwk.e !== 'string') {
    throw new Error('signing certificate does not hold an RSA public key');
  }
  return { kty: 'RSA', use: 'sig', alg: 'RS256', kid: x5t, x5t, n: jwk.n, e: jwk.e, x5c: [der.toString('base64')] };
}

export function jwksDocument(keys: readonly PublicJwk[]): { keys: PublicJwk[] } {
  return { keys: [...keys] };
}

/** Loads a PKCS#8 PEM signing key, refusing anything that cannot produce RS256 signatures we accept. */
export function importPrivateKey(pem: string): KeyObject {
  const key = createPrivateKey(pem);
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (key.asymmetricKeyType !== 'rsa' || bits < MIN_RSA_BITS) {
    throw new Error(
      `signing key must be RSA of at least ${MIN_RSA_BITS} bits, got ${key.asymmetricKeyType ?? 'unknown'} ${bits}`,
    );
  }
  return key;
}
