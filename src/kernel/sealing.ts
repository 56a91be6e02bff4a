import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, readFileSync, writeSync, fsyncSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Private keys at rest (CA key, TLS key, token signing keys) are encrypted under one
 * 32-byte master key, so a copy of the database or data directory alone is useless.
 *
 * Sealed format: `v1.<iv>.<tag>.<ciphertext>`, each part base64url. The version prefix lets
 * a future format (e.g. a KMS-wrapped key) coexist with rows written by this one.
 */

const KEY_BYTES = 32; // AES-256
const IV_BYTES = 12; // the GCM-native nonce size; other sizes are hashed and weaken the bound
const TAG_BYTES = 16; // full-length tag; truncated tags make forgeries cheaper
const VERSION = 'v1';

function requireKey(key: Buffer): void {
  if (key.length !== KEY_BYTES) {
    throw new Error(`master key must be ${KEY_BYTES} bytes, got ${key.length}`);
  }
}

/** Encrypts `plaintext`. `aad` names the blob's purpose (e.g. a key id) so it can't be swapped into another row. */
export function seal(key: Buffer, plaintext: Buffer, aad: string): string {
  requireKey(key);
  // A random 96-bit IV per message: collision risk stays negligible far beyond the number of
  // keys we will ever seal under one master key.
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, ...[iv, tag, ciphertext].map((b) => b.toString('base64url'))].join('.');
}

const B64URL = /^[A-Za-z0-9_-]*$/;

/** Decrypts a blob from `seal`. Any failure (format, key, aad, tampering) gives the same error. */
export function unseal(key: Buffer, sealed: string, aad: string): Buffer {
  requireKey(key);
  // One message for every failure: telling an attacker *which* check failed helps nobody else.
  const fail = (): Error => new Error(`cannot decrypt ${aad}: wrong master key or tampered data`);
  const parts = sealed.trim().split('.');
  if (parts.length !== 4 || parts[0] !== VERSION || !parts.every((p) => B64URL.test(p))) throw fail();
  const [iv, tag, ciphertext] = parts.slice(1).map((p) => Buffer.from(p, 'base64url'));
  if (!iv || !tag || !ciphertext || iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw fail();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    throw fail();
  }
}

const B64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Parses a master key given in config (e.g. from a secret store), as base64 of 32 bytes. */
export function masterKeyFromBase64(b64: string): Buffer {
  const text = b64.trim();
  const key = B64.test(text) ? Buffer.from(text, 'base64') : Buffer.alloc(0);
  if (key.length !== KEY_BYTES) {
    // Never echo the value: it may be a real (if malformed) secret.
    throw new Error(
      `master key must be ${KEY_BYTES} bytes encoded as base64 (generate one with: openssl rand -base64 32); ` +
        `the value given decodes to ${key.length} bytes`,
    );
  }
  return key;
}

/**
 * Reads the master key file, creating it (mode 0600) on first start.
 * Refuses a file other users can access: anyone who can read it can decrypt every key.
 */
export function loadOrCreateMasterKey(path: string): Buffer {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const created = tryCreate(path);
  if (created) return created;
  const fd = openSync(path, 'r');
  try {
    checkMode(path, fstatSync(fd).mode);
    const text = readFileSync(fd, 'utf8');
    try {
      return masterKeyFromBase64(text);
    } catch (e) {
      throw new Error(`master key file ${path} is invalid: ${(e as Error).message}`);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * Reads a master key kept outside the data directory (`--master-key-file`, e.g. a mounted secret).
 * Never creates it: a key that appeared only on this node would seal what no other node can open.
 * Like ssh with a private key, refuses a file group or others can access. Surrounding whitespace
 * (the trailing newline editors and `echo` add) is ignored.
 */
export function loadMasterKeyFile(path: string): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new Error(
      `cannot read the master key file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  try {
    checkMode(path, fstatSync(fd).mode);
    try {
      return masterKeyFromBase64(readFileSync(fd, 'utf8'));
    } catch (e) {
      throw new Error(`master key file ${path} is invalid: ${(e as Error).message}`);
    }
  } finally {
    closeSync(fd);
  }
}

function tryCreate(path: string): Buffer | undefined {
  let fd: number;
  try {
    // `wx`: exclusive create, so two processes starting at once never overwrite each other's key.
    fd = openSync(path, 'wx', 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw e;
  }
  try {
    const key = randomBytes(KEY_BYTES);
    writeSync(fd, `${key.toString('base64')}\n`);
    fsyncSync(fd); // losing this key after a crash would make every sealed key unrecoverable
    return key;
  } finally {
    closeSync(fd);
  }
}

function checkMode(path: string, mode: number): void {
  // POSIX permission bits mean nothing on Windows (ACLs govern access there).
  if (process.platform === 'win32') return;
  if ((mode & 0o077) !== 0) {
    const octal = (mode & 0o777).toString(8).padStart(3, '0');
    throw new Error(
      `master key file ${path} is accessible by group/others (mode ${octal}); ` + `restrict it with: chmod 600 ${path}`,
    );
  }
}
