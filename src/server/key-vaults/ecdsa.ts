import { p256, p384, p521 } from '@noble/curves/nist.js';
import { secp256k1 } from '@noble/curves/secp256k1.js';

/**
 * ECDSA over a digest the caller computed, as Key Vault's ES256/384/512/256K sign and verify do
 * (https://learn.microsoft.com/rest/api/keyvault/keys/sign/sign). node:crypto hashes its input
 * itself and has no pre-hashed mode for EC keys, so @noble/curves does the curve arithmetic
 * (why noble and not our own: docs/adr/0002-dependencies.md). Signatures are JWS form, r || s,
 * each curve-size bytes (RFC 7518 §3.4), which is noble's 'compact' format.
 */
interface Curve {
  /** node:crypto's name for the curve, for generating keys and checking imported ones. */
  node: string;
  ecdsa: typeof p256;
}

/** Key Vault's curve names (JsonWebKeyCurveName: P-256, P-384, P-521, P-256K). */
export const CURVES: Record<string, Curve> = {
  'P-256': { node: 'P-256', ecdsa: p256 },
  'P-384': { node: 'P-384', ecdsa: p384 },
  'P-521': { node: 'P-521', ecdsa: p521 },
  'P-256K': { node: 'secp256k1', ecdsa: secp256k1 },
};

/** node:crypto's JWK `crv` for a Key Vault curve name, and back. */
export const nodeCurve = (crv: string): string => CURVES[crv]?.node ?? crv;
export const vaultCurve = (crv: string): string => Object.keys(CURVES).find((k) => CURVES[k]!.node === crv) ?? crv;

/**
 * The digest is the message (`prehash: false`). Low-S, as noble does by default: any ECDSA
 * verifier accepts it, and it leaves no second valid signature to forge. Hedged (RFC 6979 §3.6
 * extra entropy): deterministic k plus fresh randomness, so a fault cannot leak the key.
 */
export function ecdsaSign(crv: string, d: Buffer, digest: Buffer): Buffer {
  const { ecdsa } = CURVES[crv]!;
  return Buffer.from(ecdsa.sign(digest, d, { prehash: false, extraEntropy: true }));
}

/** High-S is accepted: OpenSSL and most signers produce it, and JWS (RFC 7518 §3.4) does not forbid it. */
export function ecdsaVerify(crv: string, x: Buffer, y: Buffer, digest: Buffer, sig: Buffer): boolean {
  const { ecdsa } = CURVES[crv]!;
  const publicKey = Buffer.concat([Buffer.of(4), x, y]);
  try {
    return ecdsa.verify(sig, digest, publicKey, { prehash: false, lowS: false });
  } catch {
    return false; // a malformed signature or point is a failed verification, as Key Vault answers
  }
}
