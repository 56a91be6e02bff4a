import {
  constants,
  createHash,
  privateDecrypt,
  privateEncrypt,
  publicDecrypt,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';
import type { KeyObject } from 'node:crypto';

/**
 * RSA signatures over a digest the caller computed (Key Vault's RS* and PS* algorithms sign the
 * digest the client sends: https://learn.microsoft.com/rest/api/keyvault/keys/sign/sign).
 * node:crypto's sign() hashes its input, so the encodings of RFC 8017 are built here and only the
 * raw RSA operation is node's.
 */
export type Hash = 'sha256' | 'sha384' | 'sha512';

/** DER DigestInfo prefixes (RFC 8017 section 9.2, note 1). */
const DIGEST_INFO: Record<Hash, string> = {
  sha256: '3031300d060960864801650304020105000420',
  sha384: '3041300d060960864801650304020205000430',
  sha512: '3051300d060960864801650304020305000440',
};

const HASH_BYTES: Record<Hash, number> = { sha256: 32, sha384: 48, sha512: 64 };

export function pkcs1Sign(key: KeyObject, hash: Hash, digest: Buffer): Buffer {
  const info = Buffer.concat([Buffer.from(DIGEST_INFO[hash], 'hex'), digest]);
  return privateEncrypt({ key, padding: constants.RSA_PKCS1_PADDING }, info);
}

export function pkcs1Verify(key: KeyObject, hash: Hash, digest: Buffer, sig: Buffer): boolean {
  const info = Buffer.concat([Buffer.from(DIGEST_INFO[hash], 'hex'), digest]);
  try {
    const got = publicDecrypt({ key, padding: constants.RSA_PKCS1_PADDING }, sig);
    return got.length === info.length && timingSafeEqual(got, info);
  } catch {
    return false;
  }
}

function mgf1(hash: Hash, seed: Buffer, len: number): Buffer {
  const out: Buffer[] = [];
  for (let i = 0; out.length * HASH_BYTES[hash] < len; i++) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(i);
    out.push(createHash(hash).update(seed).update(c).digest());
  }
  return Buffer.concat(out).subarray(0, len);
}

const modBits = (key: KeyObject): number => key.asymmetricKeyDetails!.modulusLength!;
const xor = (a: Buffer, b: Buffer): Buffer => Buffer.from(a.map((v, i) => v ^ b[i]!));
const hPrime = (hash: Hash, digest: Buffer, salt: Buffer): Buffer =>
  createHash(hash).update(Buffer.alloc(8)).update(digest).update(salt).digest();

/** EMSA-PSS with MGF1 of the same hash and a salt as long as the hash (RFC 8017 9.1.1, RFC 7518 3.5). */
export function pssSign(key: KeyObject, hash: Hash, digest: Buffer): Buffer {
  const bits = modBits(key);
  const hLen = HASH_BYTES[hash];
  const emLen = Math.ceil((bits - 1) / 8);
  const salt = randomBytes(hLen);
  const H = hPrime(hash, digest, salt);
  const db = Buffer.concat([Buffer.alloc(emLen - 2 * hLen - 2), Buffer.from([1]), salt]);
  const masked = xor(db, mgf1(hash, H, emLen - hLen - 1));
  masked[0]! &= 0xff >> (8 * emLen - (bits - 1));
  const em = Buffer.concat([masked, H, Buffer.from([0xbc])]);
  const k = Math.ceil(bits / 8);
  return privateEncrypt({ key, padding: constants.RSA_NO_PADDING }, Buffer.concat([Buffer.alloc(k - emLen), em]));
}

export function pssVerify(key: KeyObject, hash: Hash, digest: Buffer, sig: Buffer): boolean {
  const bits = modBits(key);
  const hLen = HASH_BYTES[hash];
  const emLen = Math.ceil((bits - 1) / 8);
  let em: Buffer;
  try {
    em = publicDecrypt({ key, padding: constants.RSA_NO_PADDING }, sig);
  } catch {
    return false;
  }
  em = em.subarray(em.length - emLen);
  if (em[emLen - 1] !== 0xbc) return false;
  const H = em.subarray(emLen - hLen - 1, emLen - 1);
  const db = xor(em.subarray(0, emLen - hLen - 1), mgf1(hash, H, emLen - hLen - 1));
  db[0]! &= 0xff >> (8 * emLen - (bits - 1));
  const psLen = emLen - 2 * hLen - 2;
  if (!db.subarray(0, psLen).every((b) => b === 0) || db[psLen] !== 1) return false;
  return timingSafeEqual(hPrime(hash, digest, db.subarray(psLen + 1)), H);
}

/**
 * RSA1_5 decryption (RFC 8017 7.2.2). Node 20 refuses PKCS#1 v1.5 private decryption
 * (CVE-2023-46809, the Marvin attack); Key Vault still offers RSA1_5, so the padding is checked
 * here after a raw RSA operation. Callers get one error for every failure.
 */
export function pkcs1Decrypt(key: KeyObject, ciphertext: Buffer): Buffer {
  const em = privateDecrypt({ key, padding: constants.RSA_NO_PADDING }, ciphertext);
  const sep = em.indexOf(0, 2);
  if (em[0] !== 0 || em[1] !== 2 || sep < 10) throw new Error('decryption failed');
  return em.subarray(sep + 1);
}
