import { webcrypto } from 'node:crypto';
import type { Random } from '../../kernel/ids.js';
import { x509 } from '../../kernel/x509.js';

export { x509 };
export type CryptoKey = webcrypto.CryptoKey;
export type CryptoKeyPair = webcrypto.CryptoKeyPair;

/**
 * RSA-2048 with PKCS#1 v1.5 / SHA-256 for every key we make (CA, TLS server, token signing):
 * it is what Entra uses for tokens, and the one certificate key type every TLS client we must
 * serve (Node, Python/OpenSSL, Java, .NET, Go, curl) accepts without configuration.
 */
export const RSA_ALGORITHM = {
  name: 'RSASSA-PKCS1-v1_5',
  hash: 'SHA-256',
} as const;

export async function generateRsaKeyPair(): Promise<CryptoKeyPair> {
  // Extractable so the private key can be exported as PKCS#8 and sealed for storage.
  return webcrypto.subtle.generateKey(
    { ...RSA_ALGORITHM, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) },
    true,
    ['sign', 'verify'],
  );
}

export async function privateKeyToPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

/** Imports a PKCS#8 PEM RSA key for signing certificates (non-extractable: it never leaves again). */
export async function importRsaSigningKey(pem: string): Promise<CryptoKey> {
  const der = x509.PemConverter.decodeFirst(pem);
  return webcrypto.subtle.importKey('pkcs8', der, RSA_ALGORITHM, false, ['sign']);
}

/**
 * A random positive serial (RFC 5280 §4.1.2.2: positive, at most 20 octets, unpredictable).
 * The first byte is forced into 0x40–0x7f so the DER INTEGER is positive and minimally
 * encoded (a leading 0x00 or a set top bit would need different encoding; strict parsers reject).
 */
export function randomSerial(random: Random): string {
  const bytes = random.bytes(16);
  bytes[0] = (bytes[0]! & 0x3f) | 0x40;
  return bytes.toString('hex');
}

/** How far to backdate notBefore: a client whose clock runs slightly behind must not see "not yet valid". */
export const BACKDATE_MS = 60 * 60 * 1000;
export const DAY_MS = 24 * 60 * 60 * 1000;
