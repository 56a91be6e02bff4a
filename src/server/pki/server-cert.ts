import { X509Certificate as NodeX509, createPrivateKey } from 'node:crypto';
import { isIP } from 'node:net';
import type { Clock } from '../../kernel/clock.js';
import type { Random } from '../../kernel/ids.js';
import type { IssuingCa } from './ca.js';
import { BACKDATE_MS, DAY_MS, generateRsaKeyPair, privateKeyToPem, randomSerial, x509 } from './x509.js';

export interface ServerNames {
  dnsNames: readonly string[];
  ipAddresses: readonly string[];
}

export interface ServerPems {
  certPem: string;
  keyPem: string;
}

/**
 * 397 days total: the CA/Browser Forum / Apple ceiling is 398, and some clients (Apple's
 * TLS stack) reject longer-lived leaves even from a private CA the user trusts.
 */
const LEAF_VALIDITY_DAYS = 397;
/** The subject of every node's TLS leaf; a CA-issued leaf without it is not a node's (isNodeLeaf). */
export const NODE_LEAF_SUBJECT = 'CN=openmi server, O=openmi';

/** Re-issue this long before expiry so a restart well ahead of the deadline renews the leaf. */
export const RENEW_BEFORE_DAYS = 30;

function sanEntries(names: ServerNames): x509.JsonGeneralName[] {
  const dns = [...new Set(names.dnsNames.map((n) => n.trim().toLowerCase()))];
  if (dns.includes('')) throw new Error('server certificate DNS names must not be empty');
  const badIp = names.ipAddresses.find((ip) => isIP(ip) === 0);
  if (badIp !== undefined) throw new Error(`'${badIp}' is not an IPv4 or IPv6 address`);
  const ips = [...new Set(names.ipAddresses)];
  if (dns.length + ips.length === 0) throw new Error('server certificate needs at least one DNS name or IP address');
  return [
    ...dns.map((value) => ({ type: 'dns' as const, value })),
    ...ips.map((value) => ({ type: 'ip' as const, value })),
  ];
}

/** Issues a fresh key pair and leaf certificate for the TLS server, signed by `ca`. */
export async function issueServerCert(
  ca: IssuingCa,
  names: ServerNames,
  clock: Clock,
  random: Random,
): Promise<ServerPems> {
  const keys = await generateRsaKeyPair();
  const notBefore = new Date(clock.now() - BACKDATE_MS);
  const caSki = ca.cert.getExtension(x509.SubjectKeyIdentifierExtension);
  if (!caSki) throw new Error('ca.pem has no subjectKeyIdentifier; cannot link the server certificate to it');
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(random),
    // Clients match on subjectAltName only; the CN is a label for humans reading the cert.
    subject: NODE_LEAF_SUBJECT,
    issuer: ca.cert.subjectName, // the exact encoded Name, so issuer/subject match byte for byte
    notBefore,
    notAfter: new Date(notBefore.getTime() + LEAF_VALIDITY_DAYS * DAY_MS),
    publicKey: keys.publicKey,
    signingKey: ca.key,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      // keyEncipherment: TLS 1.2 RSA key exchange still needs it with an RSA key.
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.AuthorityKeyIdentifierExtension(caSki.keyId),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      new x509.SubjectAlternativeNameExtension(sanEntries(names)),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await privateKeyToPem(keys.privateKey) };
}

/** DER of each name, so "::1" and "0:0:0:0:0:0:0:1" (same bytes) compare equal. */
function encodedNames(entries: readonly x509.GeneralName[]): Set<string> {
  return new Set(entries.map((n) => Buffer.from(n.rawData).toString('hex')));
}

function sameSan(cert: x509.X509Certificate, names: ServerNames): boolean {
  const ext = cert.getExtension(x509.SubjectAlternativeNameExtension);
  if (!ext) return false;
  const have = encodedNames(ext.names.items);
  const want = encodedNames(sanEntries(names).map((e) => new x509.GeneralName(e.type, e.value)));
  return have.size === want.size && [...want].every((n) => have.has(n));
}

/**
 * Why the stored leaf must be replaced, or undefined if it can be reused. Only the leaf is
 * ever replaced: clients trust the CA, so a new leaf under it is invisible to them.
 */
export function reissueReason(pems: ServerPems, ca: IssuingCa, names: ServerNames, clock: Clock): string | undefined {
  const nodeCert = new NodeX509(pems.certPem);
  const caNode = new NodeX509(ca.cert.toString('pem'));
  if (!nodeCert.checkPrivateKey(createPrivateKey(pems.keyPem))) return 'key does not match certificate';
  if (!nodeCert.checkIssued(caNode) || !nodeCert.verify(caNode.publicKey)) return 'not issued by the current CA';
  const cert = new x509.X509Certificate(pems.certPem);
  if (!sameSan(cert, names)) return 'requested DNS names / IP addresses changed';
  if (cert.notAfter.getTime() - clock.now() < RENEW_BEFORE_DAYS * DAY_MS) return 'expires soon';
  return undefined;
}
