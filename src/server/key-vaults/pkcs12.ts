/**
 * A PKCS#12 file (RFC 7292) with one private key and one certificate, no password and no MAC:
 * what Key Vault stores as a certificate's secret when the policy asks for
 * `application/x-pkcs12` (https://learn.microsoft.com/azure/key-vault/certificates/about-certificates#composition-of-a-certificate).
 * Nothing in node:crypto writes PKCS#12, and the structure is small enough to encode here.
 */
function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  const n = body.length;
  const len =
    n < 0x80
      ? Buffer.from([n])
      : n < 0x100
        ? Buffer.from([0x81, n])
        : n < 0x10000
          ? Buffer.from([0x82, n >> 8, n & 0xff])
          : Buffer.from([0x83, n >> 16, (n >> 8) & 0xff, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), len, body]);
}

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const v of rest) {
    const chunk = [v & 0x7f];
    for (let x = v >> 7; x > 0; x >>= 7) chunk.unshift((x & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(0x06, Buffer.from(out));
}

const seq = (...c: Buffer[]) => tlv(0x30, ...c);
const octets = (b: Buffer) => tlv(0x04, b);
const explicit0 = (...c: Buffer[]) => tlv(0xa0, ...c);
const DATA = '1.2.840.113549.1.7.1';
const KEY_BAG = '1.2.840.113549.1.12.10.1.1';
const CERT_BAG = '1.2.840.113549.1.12.10.1.3';
const X509_CERT = '1.2.840.113549.1.9.22.1';

/** ContentInfo of type data wrapping `inner` (the unencrypted form of RFC 7292 section 4.1). */
const dataInfo = (inner: Buffer) => seq(oid(DATA), explicit0(octets(inner)));

/** `chain`: the issuers of an imported certificate, kept after it as Key Vault keeps them. */
export function pkcs12(pkcs8: Buffer, certDer: Buffer, chain: Buffer[] = []): Buffer {
  const keyBag = seq(oid(KEY_BAG), explicit0(pkcs8));
  const certBag = (der: Buffer) => seq(oid(CERT_BAG), explicit0(seq(oid(X509_CERT), explicit0(octets(der)))));
  const authSafe = seq(dataInfo(seq(keyBag)), dataInfo(seq(...[certDer, ...chain].map(certBag))));
  return seq(tlv(0x02, Buffer.from([3])), dataInfo(authSafe));
}
