import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import type { Clock } from '../../kernel/clock.js';
import { invalid } from '../../kernel/errors.js';
import type { Random } from '../../kernel/ids.js';
import type { IssuingCa } from './ca.js';
import { BACKDATE_MS, DAY_MS, randomSerial, x509 } from './x509.js';

/**
 * Short by default: the one consumer (`openmi gate postgres`) renews on its own, and a leaked key
 * of a short-lived leaf stops mattering soon. 90 days at most, as ACME CAs issue.
 */
export const DEFAULT_LEAF_VALIDITY_DAYS = 30;
export const MAX_LEAF_VALIDITY_DAYS = 90;
export const MAX_SAN_ENTRIES = 16;
export const MAX_CSR_CHARS = 16_384;

export interface LeafRequest {
  csrPem: string;
  validityDays?: number | undefined;
}

export interface IssuedLeaf {
  certPem: string;
  serialNumber: string;
  notBefore: Date;
  notAfter: Date;
  dnsNames: string[];
  ipAddresses: string[];
  /** SHA-256 of the SubjectPublicKeyInfo, hex: what the activity log records of the key. */
  publicKeySha256: string;
}

// RFC 1123 host names; no wildcards: a wildcard leaf from the installation CA would stand for any host.
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

function checkDnsName(name: string): string {
  const n = name.toLowerCase();
  if (n.length > 253 || !n.split('.').every((l) => LABEL.test(l)))
    throw invalid(`'${name.slice(0, 80)}' is not a DNS host name (letters, digits, hyphens; no wildcards).`, {
      target: 'csr',
    });
  return n;
}

/** The CSR's subjectAltName entries, checked: DNS names and IP addresses only, at least one, bounded. */
function requestedNames(csr: x509.Pkcs10CertificateRequest): { dnsNames: string[]; ipAddresses: string[] } {
  const san = csr.extensions.find((e) => e instanceof x509.SubjectAlternativeNameExtension);
  const items = san?.names.items ?? [];
  if (items.length === 0)
    throw invalid('The CSR must carry a subjectAltName extension with the DNS names or IP addresses.', {
      target: 'csr',
    });
  if (items.length > MAX_SAN_ENTRIES)
    throw invalid(`The CSR names ${items.length} subject alternative names; at most ${MAX_SAN_ENTRIES}.`, {
      target: 'csr',
    });
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  for (const n of items) {
    if (n.type === 'dns') dnsNames.push(checkDnsName(n.value));
    else if (n.type === 'ip' && isIP(n.value) !== 0) ipAddresses.push(n.value);
    else throw invalid(`Only DNS and IP subject alternative names are issued, not '${n.type}'.`, { target: 'csr' });
  }
  return { dnsNames: [...new Set(dnsNames)], ipAddresses: [...new Set(ipAddresses)] };
}

/** RSA 2048–4096 or ECDSA P-256/P-384: what every TLS client accepts, and nothing weak. */
function checkKey(key: KeyObject): 'rsa' | 'ec' {
  const d = key.asymmetricKeyDetails ?? {};
  if (key.asymmetricKeyType === 'rsa' && (d.modulusLength ?? 0) >= 2048 && (d.modulusLength ?? 0) <= 4096) return 'rsa';
  if (key.asymmetricKeyType === 'ec' && (d.namedCurve === 'prime256v1' || d.namedCurve === 'secp384r1')) return 'ec';
  throw invalid('The CSR key must be RSA of 2048 to 4096 bits or ECDSA on P-256 or P-384.', { target: 'csr' });
}

async function parseCsr(pem: string): Promise<x509.Pkcs10CertificateRequest> {
  if (typeof pem !== 'string' || pem.length > MAX_CSR_CHARS)
    throw invalid(`csr must be a PEM certificate request of at most ${MAX_CSR_CHARS} characters.`, { target: 'csr' });
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(pem);
  } catch {
    throw invalid('csr is not a PEM PKCS#10 certificate request.', { target: 'csr' });
  }
  // Proof of possession: the requester holds the private key of the key it asks a certificate for.
  const signed = await csr.verify().catch(() => false);
  if (!signed) throw invalid('The CSR signature does not verify with its own public key.', { target: 'csr' });
  return csr;
}

function validityDays(v: number | undefined): number {
  if (v === undefined) return DEFAULT_LEAF_VALIDITY_DAYS;
  if (!Number.isInteger(v) || v < 1 || v > MAX_LEAF_VALIDITY_DAYS)
    throw invalid(`validityDays must be an integer from 1 to ${MAX_LEAF_VALIDITY_DAYS}.`, { target: 'validityDays' });
  return v;
}

/**
 * Signs a TLS server leaf for a CSR with the installation CA. Only the CSR's key and its DNS/IP
 * names are taken from it; the subject, extensions and lifetime are the CA's choice.
 */
export async function issueLeafForCsr(
  ca: IssuingCa,
  req: LeafRequest,
  clock: Clock,
  random: Random,
): Promise<IssuedLeaf> {
  const days = validityDays(req.validityDays);
  const csr = await parseCsr(req.csrPem);
  const names = requestedNames(csr);
  const spki = Buffer.from(csr.publicKey.rawData);
  const kind = checkKey(createPublicKey({ key: spki, format: 'der', type: 'spki' }));
  const notBefore = new Date(clock.now() - BACKDATE_MS);
  // Never past the CA's own end: a verifier would refuse the chain then anyway.
  const notAfter = new Date(Math.min(clock.now() + days * DAY_MS, ca.cert.notAfter.getTime()));
  const caSki = ca.cert.getExtension(x509.SubjectKeyIdentifierExtension);
  if (!caSki) throw new Error('ca.pem has no subjectKeyIdentifier');
  const usage = x509.KeyUsageFlags.digitalSignature | (kind === 'rsa' ? x509.KeyUsageFlags.keyEncipherment : 0);
  const serialNumber = randomSerial(random);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber,
    // Clients match on subjectAltName only; the CN is a label for humans.
    subject: 'CN=openmi TLS server, O=openmi',
    issuer: ca.cert.subjectName,
    notBefore,
    notAfter,
    publicKey: csr.publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(usage, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.AuthorityKeyIdentifierExtension(caSki.keyId),
      await x509.SubjectKeyIdentifierExtension.create(csr.publicKey),
      new x509.SubjectAlternativeNameExtension([
        ...names.dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...names.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
      ]),
    ],
  });
  return {
    certPem: cert.toString('pem'),
    serialNumber,
    notBefore,
    notAfter,
    ...names,
    publicKeySha256: createHash('sha256').update(spki).digest('hex'),
  };
}
