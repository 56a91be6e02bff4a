import {
  constants,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  privateDecrypt,
  publicEncrypt,
} from 'node:crypto';
import type { JsonWebKey, KeyObject } from 'node:crypto';
import { KeyVaultError } from './errors.js';
import { CURVES, ecdsaSign, ecdsaVerify, nodeCurve, vaultCurve } from './ecdsa.js';
import { pkcs1Decrypt, pkcs1Sign, pkcs1Verify, pssSign, pssVerify, type Hash } from './rsa-digest.js';

/**
 * Key material of Key Vault keys and the operations on it
 * (https://learn.microsoft.com/rest/api/keyvault/keys). Private parts are JWKs that only the
 * service sees, sealed; `publicPart` is what responses carry.
 */
export type KeyType = 'RSA' | 'EC';
export interface PublicJwk {
  kty: KeyType;
  n?: string;
  e?: string;
  crv?: string;
  x?: string;
  y?: string;
}

const RSA_SIZES = [2048, 3072, 4096];
const bad = (message: string): KeyVaultError => new KeyVaultError('BadParameter', message);

/** `RSA-HSM` and `EC-HSM` are accepted as their software types: openmi has no HSM. */
export function keyTypeOf(kty: unknown): KeyType {
  if (kty === 'RSA' || kty === 'RSA-HSM') return 'RSA';
  if (kty === 'EC' || kty === 'EC-HSM') return 'EC';
  throw bad(`The key type '${String(kty)}' is not supported: use RSA or EC.`);
}

export function publicPart(jwk: JsonWebKey): PublicJwk {
  return jwk.kty === 'RSA' ? { kty: 'RSA', n: jwk.n!, e: jwk.e! } : { kty: 'EC', crv: jwk.crv!, x: jwk.x!, y: jwk.y! };
}

export function generateKey(kty: KeyType, size: unknown, crv: unknown): JsonWebKey {
  if (kty === 'RSA') {
    const modulusLength = size === undefined || size === null ? 2048 : Number(size);
    if (!RSA_SIZES.includes(modulusLength))
      throw bad(`RSA key size ${String(size)} is not supported: use 2048, 3072 or 4096.`);
    return generateKeyPairSync('rsa', { modulusLength }).privateKey.export({ format: 'jwk' });
  }
  const name = crv === undefined || crv === null ? 'P-256' : String(crv);
  if (!CURVES[name]) throw bad(`The curve '${name}' is not supported: use P-256, P-384, P-521 or P-256K.`);
  return vaultJwk(generateKeyPairSync('ec', { namedCurve: nodeCurve(name) }).privateKey.export({ format: 'jwk' }));
}

/** Stored JWKs name curves as Key Vault does (P-256K); node:crypto calls secp256k1 by its SEC name. */
const vaultJwk = (jwk: JsonWebKey): JsonWebKey => (jwk.crv ? { ...jwk, crv: vaultCurve(jwk.crv) } : jwk);

/** An imported JWK must carry its private part; node:crypto checks the rest, export() normalizes it. */
export function importKey(raw: unknown): JsonWebKey {
  const jwk = (raw ?? {}) as Record<string, unknown>;
  const kty = keyTypeOf(jwk['kty']);
  if (typeof jwk['d'] !== 'string') throw bad('The imported key must include its private part (d).');
  if (kty === 'EC' && !CURVES[String(jwk['crv'])]) throw bad(`The curve '${String(jwk['crv'])}' is not supported.`);
  try {
    const key = { ...jwk, kty, ...(kty === 'EC' ? { crv: nodeCurve(String(jwk['crv'])) } : {}) } as JsonWebKey;
    return vaultJwk(createPrivateKey({ key, format: 'jwk' }).export({ format: 'jwk' }));
  } catch {
    throw bad('The imported key is not a valid JSON Web Key.');
  }
}

const b64 = (s: string): Buffer => Buffer.from(s, 'base64url');
const SIGN_ALGS: Record<string, { kty: KeyType; hash: Hash; pss?: boolean; crv?: string }> = {
  RS256: { kty: 'RSA', hash: 'sha256' },
  RS384: { kty: 'RSA', hash: 'sha384' },
  RS512: { kty: 'RSA', hash: 'sha512' },
  PS256: { kty: 'RSA', hash: 'sha256', pss: true },
  PS384: { kty: 'RSA', hash: 'sha384', pss: true },
  PS512: { kty: 'RSA', hash: 'sha512', pss: true },
  ES256: { kty: 'EC', hash: 'sha256', crv: 'P-256' },
  ES384: { kty: 'EC', hash: 'sha384', crv: 'P-384' },
  ES512: { kty: 'EC', hash: 'sha512', crv: 'P-521' },
  ES256K: { kty: 'EC', hash: 'sha256', crv: 'P-256K' },
};
const DIGEST_BYTES: Record<Hash, number> = { sha256: 32, sha384: 48, sha512: 64 };

function signAlg(alg: unknown, jwk: PublicJwk, digest: Buffer) {
  const a = SIGN_ALGS[String(alg)];
  if (!a || a.kty !== jwk.kty || (a.crv && a.crv !== jwk.crv))
    throw bad(`The algorithm '${String(alg)}' is not valid for this ${jwk.kty} key.`);
  // Key Vault's own wording for a digest of the wrong size (BadParameter, 400).
  if (digest.length !== DIGEST_BYTES[a.hash])
    throw bad(
      `Invalid length of 'value': ${digest.length} bytes. ${String(alg)} requires ${DIGEST_BYTES[a.hash]} bytes.`,
    );
  return a;
}

export function sign(priv: JsonWebKey, alg: unknown, digest: Buffer): Buffer {
  const a = signAlg(alg, publicPart(priv), digest);
  if (a.kty === 'EC') return ecdsaSign(priv.crv!, b64(priv.d!), digest);
  const key = createPrivateKey({ key: priv, format: 'jwk' });
  return a.pss ? pssSign(key, a.hash, digest) : pkcs1Sign(key, a.hash, digest);
}

export function verify(pub: PublicJwk, alg: unknown, digest: Buffer, sig: Buffer): boolean {
  const a = signAlg(alg, pub, digest);
  if (a.kty === 'EC') return ecdsaVerify(pub.crv!, b64(pub.x!), b64(pub.y!), digest, sig);
  const key = createPublicKey({ key: pub as JsonWebKey, format: 'jwk' });
  return a.pss ? pssVerify(key, a.hash, digest, sig) : pkcs1Verify(key, a.hash, digest, sig);
}

const OAEP: Record<string, string> = { 'RSA-OAEP': 'sha1', 'RSA-OAEP-256': 'sha256' };

function rsaKey(jwk: PublicJwk, alg: unknown): void {
  if (jwk.kty !== 'RSA' || (alg !== 'RSA1_5' && !OAEP[String(alg)]))
    throw bad(`The algorithm '${String(alg)}' is not valid for this ${jwk.kty} key.`);
}

/** encrypt and wrapKey: the same operation on Key Vault's RSA keys. */
export function encrypt(pub: PublicJwk, alg: unknown, plaintext: Buffer): Buffer {
  rsaKey(pub, alg);
  const key: KeyObject = createPublicKey({ key: pub as JsonWebKey, format: 'jwk' });
  try {
    return alg === 'RSA1_5'
      ? publicEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, plaintext)
      : publicEncrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP[String(alg)]! }, plaintext);
  } catch {
    throw bad('The value is too long for this key and algorithm.');
  }
}

export function decrypt(priv: JsonWebKey, alg: unknown, ciphertext: Buffer): Buffer {
  rsaKey(publicPart(priv), alg);
  const key = createPrivateKey({ key: priv, format: 'jwk' });
  try {
    return alg === 'RSA1_5'
      ? pkcs1Decrypt(key, ciphertext)
      : privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: OAEP[String(alg)]! }, ciphertext);
  } catch {
    throw bad('The value could not be decrypted with this key and algorithm.');
  }
}
