import { createDecipheriv, createHash, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';
import { KeyVaultError } from './errors.js';

/**
 * Reads a PKCS#12 file (RFC 7292) as Import Certificate receives it: certificates, and the private
 * key as PKCS#8 DER (plain) or EncryptedPrivateKeyInfo DER (shrouded, for createPrivateKey with the
 * password). Integrity: the HMAC of RFC 7292 appendix B. Encrypted certificate bags: PBES2 with
 * PBKDF2 and AES-CBC (OpenSSL 3's default); the legacy RC2/3DES PBEs are refused (400).
 */
export interface Pkcs12Contents {
  certs: Buffer[];
  key?: { der: Buffer; encrypted: boolean };
}

interface Tlv {
  tag: number;
  /** The content bytes. */
  body: Buffer;
  /** The whole encoding, tag and length included. */
  raw: Buffer;
}

const bad = (why: string) => new KeyVaultError('BadParameter', `The PKCS#12 (PFX) file cannot be read: ${why}.`);

function tlvAt(buf: Buffer, off: number): Tlv & { end: number } {
  if (off + 2 > buf.length) throw bad('truncated');
  const tag = buf[off]!;
  let len = buf[off + 1]!;
  let p = off + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4 || p + n > buf.length) throw bad('indefinite or oversized length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p + i]!;
    p += n;
  }
  if (p + len > buf.length) throw bad('truncated');
  return { tag, body: buf.subarray(p, p + len), raw: buf.subarray(off, p + len), end: p + len };
}

const one = (buf: Buffer): Tlv => tlvAt(buf, 0);
function items(buf: Buffer): Tlv[] {
  const out: Tlv[] = [];
  for (let off = 0; off < buf.length;) {
    const t = tlvAt(buf, off);
    out.push(t);
    off = t.end;
  }
  return out;
}

function oidOf(t: Tlv | undefined): string {
  if (!t || t.tag !== 0x06 || t.body.length === 0) throw bad('an object identifier was expected');
  const b = t.body;
  const parts = [Math.floor(b[0]! / 40), b[0]! % 40];
  let v = 0;
  for (let i = 1; i < b.length; i++) {
    v = v * 128 + (b[i]! & 0x7f);
    if (!(b[i]! & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

const intOf = (t: Tlv | undefined): number => {
  if (!t || t.tag !== 0x02 || t.body.length > 6) throw bad('an integer was expected');
  return t.body.reduce((n, x) => n * 256 + x, 0);
};

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509: '1.2.840.113549.1.9.22.1',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
};
const HASHES: Record<string, { name: string; block: number }> = {
  '1.3.14.3.2.26': { name: 'sha1', block: 64 },
  '2.16.840.1.101.3.4.2.1': { name: 'sha256', block: 64 },
  '2.16.840.1.101.3.4.2.2': { name: 'sha384', block: 128 },
  '2.16.840.1.101.3.4.2.3': { name: 'sha512', block: 128 },
};
const HMACS: Record<string, string> = {
  '1.2.840.113549.2.7': 'sha1',
  '1.2.840.113549.2.9': 'sha256',
  '1.2.840.113549.2.10': 'sha384',
  '1.2.840.113549.2.11': 'sha512',
};
const AES: Record<string, string> = {
  '2.16.840.1.101.3.4.1.2': 'aes-128-cbc',
  '2.16.840.1.101.3.4.1.22': 'aes-192-cbc',
  '2.16.840.1.101.3.4.1.42': 'aes-256-cbc',
};

/** The password as RFC 7292 B.1 has it: BMPString, big-endian, with a two-byte terminator. */
const bmp = (password: string): Buffer => Buffer.from(`${password}\0`, 'utf16le').swap16();

/** RFC 7292 appendix B.2: the key derivation of PKCS#12 MACs (id 3). */
function pkcs12Kdf(
  hash: { name: string; block: number },
  password: Buffer,
  salt: Buffer,
  iterations: number,
  n: number,
) {
  const v = hash.block;
  const fill = (b: Buffer) => (b.length === 0 ? b : Buffer.alloc(v * Math.ceil(b.length / v), b));
  const I = Buffer.concat([fill(salt), fill(password)]);
  const out: Buffer[] = [];
  for (let got = 0; got < n;) {
    let a = createHash(hash.name).update(Buffer.alloc(v, 3)).update(I).digest();
    for (let i = 1; i < iterations; i++) a = createHash(hash.name).update(a).digest();
    out.push(a);
    got += a.length;
    const b = Buffer.alloc(v, a);
    for (let j = 0; j < I.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = I[j + k]! + b[k]! + carry;
        I[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
  return Buffer.concat(out).subarray(0, n);
}

function checkMac(macData: Tlv, content: Buffer, password: string): void {
  const [digestInfo, salt, iter] = items(macData.body);
  const [alg, digest] = items(digestInfo?.body ?? Buffer.alloc(0));
  const hash = HASHES[oidOf(items(alg?.body ?? Buffer.alloc(0))[0])];
  if (!hash || !digest || !salt) throw bad('its MAC algorithm is not supported');
  const iterations = iter ? intOf(iter) : 1;
  if (iterations > 10_000_000) throw bad('its MAC iteration count is too large');
  const passwords = password === '' ? [bmp(''), Buffer.alloc(0)] : [bmp(password)];
  for (const p of passwords) {
    const key = pkcs12Kdf(hash, p, salt.body, iterations, createHash(hash.name).digest().length);
    const mac = createHmac(hash.name, key).update(content).digest();
    if (mac.length === digest.body.length && timingSafeEqual(mac, digest.body)) return;
  }
  throw new KeyVaultError('BadParameter', 'The password of the PKCS#12 (PFX) file is wrong, or the file is damaged.');
}

/** PBES2 (RFC 8018) with PBKDF2 and AES-CBC. */
function pbes2Decrypt(algorithm: Tlv, data: Buffer, password: string): Buffer {
  const [oid, params] = items(algorithm.body);
  if (oidOf(oid) !== OID.pbes2 || !params)
    throw bad('its certificates are encrypted with a legacy algorithm (use AES)');
  const [kdf, scheme] = items(params.body);
  const [kdfOid, kdfParams] = items(kdf?.body ?? Buffer.alloc(0));
  if (oidOf(kdfOid) !== OID.pbkdf2 || !kdfParams) throw bad('its key derivation is not PBKDF2');
  const [salt, iter, ...more] = items(kdfParams.body);
  const prf = more.find((t) => t.tag === 0x30);
  const digest = prf ? HMACS[oidOf(items(prf.body)[0])] : 'sha1';
  const [cipherOid, iv] = items(scheme?.body ?? Buffer.alloc(0));
  const cipher = AES[oidOf(cipherOid)];
  const iterations = intOf(iter);
  if (!digest || !cipher || !iv || !salt || iterations > 10_000_000) throw bad('its encryption is not supported');
  const key = pbkdf2Sync(
    Buffer.from(password, 'utf8'),
    salt.body,
    iterations,
    Number(/\d+/.exec(cipher)![0]) / 8,
    digest,
  );
  try {
    const d = createDecipheriv(cipher, key, iv.body);
    return Buffer.concat([d.update(data), d.final()]);
  } catch {
    throw new KeyVaultError('BadParameter', 'The password of the PKCS#12 (PFX) file is wrong.');
  }
}

function safeContents(der: Buffer, out: Pkcs12Contents): void {
  for (const bag of items(one(der).body)) {
    const [id, value] = items(bag.body);
    const inner = value && value.tag === 0xa0 ? one(value.body) : undefined;
    if (!inner) continue;
    const kind = oidOf(id);
    if (kind === OID.keyBag || kind === OID.shroudedKeyBag) {
      if (out.key) throw bad('it holds more than one private key');
      out.key = { der: Buffer.from(inner.raw), encrypted: kind === OID.shroudedKeyBag };
    } else if (kind === OID.certBag) {
      const [certType, certValue] = items(inner.body);
      if (oidOf(certType) === OID.x509 && certValue?.tag === 0xa0) out.certs.push(one(certValue.body).body);
    }
  }
}

export function readPkcs12(pfx: Buffer, password: string): Pkcs12Contents {
  const [version, authSafe, macData] = items(one(pfx).body);
  if (intOf(version) !== 3 || !authSafe) throw bad('it is not a version 3 PFX');
  const [type, content] = items(authSafe.body);
  if (oidOf(type) !== OID.data || content?.tag !== 0xa0) throw bad('its content is not data');
  const octets = one(content.body);
  if (octets.tag !== 0x04) throw bad('its content is not an octet string (BER is not read)');
  if (macData) checkMac(macData, octets.body, password);
  const out: Pkcs12Contents = { certs: [] };
  for (const info of items(one(octets.body).body)) {
    const [infoType, infoContent] = items(info.body);
    const body = infoContent?.tag === 0xa0 ? one(infoContent.body) : undefined;
    if (!body) continue;
    const t = oidOf(infoType);
    if (t === OID.data) safeContents(body.body, out);
    else if (t === OID.encryptedData) {
      const [, encryptedContentInfo] = items(body.body);
      const [, algorithm, encrypted] = items(encryptedContentInfo?.body ?? Buffer.alloc(0));
      if (!algorithm || encrypted?.tag !== 0x80) throw bad('its encrypted content is malformed');
      safeContents(pbes2Decrypt(algorithm, encrypted.body, password), out);
    }
  }
  return out;
}
