import { createHash, createPrivateKey, randomBytes, webcrypto, type JsonWebKey } from 'node:crypto';
import { x509 } from '../pki/x509.js';
import type { IssuingCa } from '../pki/ca.js';
import { KeyVaultError } from './errors.js';
import { publicPart } from './key-crypto.js';

/**
 * A certificate policy as the REST API spells it
 * (https://learn.microsoft.com/rest/api/keyvault/certificates/create-certificate/create-certificate#certificatepolicy),
 * with Key Vault's defaults filled in.
 */
export interface CertPolicy {
  key_props: { kty: string; key_size?: number; crv?: string; exportable: boolean; reuse_key: boolean };
  secret_props: { contentType: string };
  x509_props: {
    subject: string;
    sans?: { dns_names?: string[]; emails?: string[]; upns?: string[] };
    ekus?: string[];
    key_usage?: string[];
    validity_months: number;
  };
  issuer: { name: string };
  lifetime_actions?: unknown[];
}

export const PEM = 'application/x-pem-file';
export const PKCS12 = 'application/x-pkcs12';
const bad = (m: string): KeyVaultError => new KeyVaultError('BadParameter', m);

type Raw = Record<string, unknown> | undefined;
export function normalizePolicy(raw: unknown, previous?: CertPolicy): CertPolicy {
  const p = (raw ?? {}) as Record<string, Raw>;
  const kp = { ...previous?.key_props, ...p['key_props'] } as Record<string, unknown>;
  const xp = { ...previous?.x509_props, ...p['x509_props'] } as Record<string, unknown>;
  const kty = typeof kp['kty'] === 'string' ? kp['kty'] : 'RSA';
  // webcrypto, which signs the certificate, has no secp256k1: P-256K is a key-only curve here.
  if (kp['crv'] === 'P-256K' && !kty.startsWith('RSA'))
    throw bad("The curve 'P-256K' is not supported for certificates: use P-256, P-384 or P-521.");
  const contentType = String(p['secret_props']?.['contentType'] ?? previous?.secret_props.contentType ?? PKCS12);
  if (contentType !== PEM && contentType !== PKCS12) throw bad(`The content type '${contentType}' is not supported.`);
  const subject = xp['subject'];
  if (typeof subject !== 'string' || !subject) throw bad("The policy's x509_props.subject is required.");
  let issuer = String(p['issuer']?.['name'] ?? previous?.issuer.name ?? 'Self');
  // `Unknown`: Key Vault makes the key and a CSR; the user has it signed and merges the result.
  if (issuer.toLowerCase() === 'unknown') issuer = 'Unknown';
  if (issuer !== 'Self' && issuer !== 'Unknown' && issuer.toLowerCase() !== 'openmi')
    throw bad(`The issuer '${issuer}' is not available: use Self, Unknown, or openmi for the installation's CA.`);
  return {
    key_props: {
      kty,
      ...(kty.startsWith('RSA') ? { key_size: Number(kp['key_size'] ?? 2048) } : { crv: String(kp['crv'] ?? 'P-256') }),
      exportable: kp['exportable'] !== false,
      reuse_key: kp['reuse_key'] === true,
    },
    secret_props: { contentType },
    x509_props: {
      subject,
      ...(xp['sans'] ? { sans: xp['sans'] as NonNullable<CertPolicy['x509_props']['sans']> } : {}),
      ...(Array.isArray(xp['ekus']) ? { ekus: xp['ekus'] as string[] } : {}),
      ...(Array.isArray(xp['key_usage']) ? { key_usage: xp['key_usage'] as string[] } : {}),
      validity_months: Number(xp['validity_months'] ?? 12),
    },
    issuer: { name: issuer },
    ...(Array.isArray(p['lifetime_actions']) ? { lifetime_actions: p['lifetime_actions'] as unknown[] } : {}),
  };
}

/** The webcrypto algorithm of a key: RSA PKCS#1 v1.5 with SHA-256, or ECDSA with the curve's hash. */
function algorithmOf(jwk: JsonWebKey) {
  if (jwk.kty === 'RSA') return { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
  const hash = { 'P-256': 'SHA-256', 'P-384': 'SHA-384', 'P-521': 'SHA-512' }[jwk.crv!]!;
  return { name: 'ECDSA', namedCurve: jwk.crv!, hash };
}

function extensions(policy: CertPolicy, ca: boolean): x509.Extension[] {
  const xp = policy.x509_props;
  const usage = (xp.key_usage ?? ['digitalSignature', 'keyEncipherment']).reduce(
    (flags, u) => flags | ((x509.KeyUsageFlags as unknown as Record<string, number>)[u] ?? 0),
    0,
  );
  const sans = [
    ...(xp.sans?.dns_names ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(xp.sans?.emails ?? []).map((value) => ({ type: 'email' as const, value })),
    ...(xp.sans?.upns ?? []).map((value) => ({ type: 'upn' as const, value })),
  ];
  return [
    new x509.BasicConstraintsExtension(ca, undefined, true),
    new x509.KeyUsagesExtension(usage, true),
    ...(xp.ekus?.length ? [new x509.ExtendedKeyUsageExtension(xp.ekus)] : []),
    ...(sans.length ? [new x509.SubjectAlternativeNameExtension(sans)] : []),
  ];
}

/** `cn=x` and `CN=x` alike: the SDK's default policy spells the attribute in lower case. */
const subjectOf = (s: string): string =>
  s.replace(/(^|,\s*)([a-zA-Z]+)=/g, (_m, sep: string, k: string) => `${sep}${k.toUpperCase()}=`);
const serial = (): string => ((randomBytes(1)[0]! & 0x3f) | 0x40).toString(16) + randomBytes(15).toString('hex');

/** Issues the certificate for `priv`: self-signed, or signed by the installation's CA for issuer `openmi`. Returns DER. */
export async function issueCertificate(
  priv: JsonWebKey,
  policy: CertPolicy,
  now: number,
  ca?: IssuingCa,
): Promise<Buffer> {
  const alg = algorithmOf(priv);
  const publicKey = await webcrypto.subtle.importKey('jwk', publicPart(priv) as webcrypto.JsonWebKey, alg, true, [
    'verify',
  ]);
  const notBefore = new Date(now - 5 * 60_000);
  const notAfter = new Date(now);
  notAfter.setUTCMonth(notAfter.getUTCMonth() + policy.x509_props.validity_months);
  const common = { serialNumber: serial(), notBefore, notAfter, extensions: extensions(policy, false) };
  if (policy.issuer.name.toLowerCase() === 'openmi') {
    if (!ca) throw bad("The issuer 'openmi' needs the installation's CA, which this server has not loaded.");
    const cert = await x509.X509CertificateGenerator.create({
      ...common,
      subject: subjectOf(policy.x509_props.subject),
      issuer: ca.cert.subjectName,
      publicKey,
      signingKey: ca.key,
      signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' },
    });
    return Buffer.from(cert.rawData);
  }
  const privateKey = await webcrypto.subtle.importKey('jwk', priv as webcrypto.JsonWebKey, alg, false, ['sign']);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    ...common,
    name: subjectOf(policy.x509_props.subject),
    keys: { publicKey, privateKey },
    signingAlgorithm: alg,
  });
  return Buffer.from(cert.rawData);
}

/** The PKCS#10 request of an issuer `Unknown` certificate, signed with its key. Returns DER. */
export async function certificateRequest(priv: JsonWebKey, policy: CertPolicy): Promise<Buffer> {
  const alg = algorithmOf(priv);
  const imported = (k: object, use: 'sign' | 'verify') =>
    webcrypto.subtle.importKey('jwk', k as webcrypto.JsonWebKey, alg, true, [use]);
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subjectOf(policy.x509_props.subject),
    keys: { publicKey: await imported(publicPart(priv), 'verify'), privateKey: await imported(priv, 'sign') },
    signingAlgorithm: alg,
    extensions: extensions(policy, false),
  });
  return Buffer.from(csr.rawData);
}

/** The private key as PKCS#8 DER, for the certificate's secret. */
export const pkcs8Of = (priv: JsonWebKey): Buffer =>
  createPrivateKey({ key: priv, format: 'jwk' }).export({ format: 'der', type: 'pkcs8' });

export const thumbprint = (der: Buffer): string => createHash('sha1').update(der).digest('base64url');
