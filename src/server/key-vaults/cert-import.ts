import { createPrivateKey, X509Certificate, type JsonWebKey, type KeyObject } from 'node:crypto';
import { PEM, PKCS12, type CertPolicy } from './cert-issue.js';
import { KeyVaultError } from './errors.js';
import { readPkcs12 } from './pkcs12-read.js';

/**
 * Import Certificate (https://learn.microsoft.com/rest/api/keyvault/certificates/import-certificate):
 * `value` is a PFX in base64 or PEM text (a private key and one or more certificates), `pwd` the
 * password of either. The leaf is the certificate of the private key; the others are its chain.
 */
export interface ImportInput {
  value?: unknown;
  pwd?: unknown;
  policy?: unknown;
}

export interface Imported {
  priv: JsonWebKey;
  der: Buffer;
  chain: Buffer[];
  policy: CertPolicy;
}

const bad = (m: string) => new KeyVaultError('BadParameter', m);
const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;

function privateKeyOf(input: Parameters<typeof createPrivateKey>[0]): KeyObject {
  try {
    return createPrivateKey(input);
  } catch {
    throw bad('The private key cannot be read: a wrong password, or not a private key.');
  }
}

function fromPem(text: string, password: string): { key: KeyObject; certs: Buffer[] } {
  const certs: Buffer[] = [];
  let key: KeyObject | undefined;
  for (const m of text.matchAll(PEM_BLOCK)) {
    if (m[1] === 'CERTIFICATE') certs.push(Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64'));
    else if (m[1]!.endsWith('PRIVATE KEY')) key ??= privateKeyOf({ key: m[0], format: 'pem', passphrase: password });
  }
  if (!key) throw bad('The PEM holds no private key.');
  return { key, certs };
}

function fromPfx(value: string, password: string): { key: KeyObject; certs: Buffer[] } {
  const { key, certs } = readPkcs12(Buffer.from(value, 'base64'), password);
  if (!key) throw bad('The PFX holds no private key.');
  const der = { key: key.der, format: 'der' as const, type: 'pkcs8' as const };
  return { key: privateKeyOf(key.encrypted ? { ...der, passphrase: password } : der), certs };
}

/** `CN=a\nO=b` as node prints a name, as Key Vault spells it in a policy: `CN=a, O=b`. */
const subjectOf = (c: X509Certificate): string => c.subject.split('\n').join(', ');

function monthsOf(c: X509Certificate): number {
  const [from, to] = [new Date(c.validFrom), new Date(c.validTo)];
  const months = (to.getUTCFullYear() - from.getUTCFullYear()) * 12 + to.getUTCMonth() - from.getUTCMonth();
  return Math.max(1, months);
}

export function readImport(input: ImportInput): Imported {
  if (typeof input.value !== 'string' || input.value === '')
    throw bad("'value' (the PFX in base64, or PEM) is required.");
  if (input.pwd !== undefined && input.pwd !== null && typeof input.pwd !== 'string')
    throw bad("'pwd' must be a string.");
  const password = (input.pwd as string | null | undefined) ?? '';
  const pem = input.value.trimStart().startsWith('-----BEGIN');
  const { key, certs } = pem ? fromPem(input.value, password) : fromPfx(input.value, password);
  const parsed = certs.map((der) => {
    try {
      return { der, cert: new X509Certificate(der) };
    } catch {
      throw bad('A certificate of the file cannot be read.');
    }
  });
  const leaf = parsed.find((p) => p.cert.checkPrivateKey(key));
  if (!leaf) throw bad('No certificate of the file matches its private key.');
  const priv = key.export({ format: 'jwk' });
  if (priv.kty !== 'RSA' && priv.kty !== 'EC') throw bad(`Keys of type ${String(priv.kty)} are not supported.`);
  const requested = (input.policy as { secret_props?: { contentType?: unknown } } | undefined)?.secret_props;
  const contentType = String(requested?.contentType ?? (pem ? PEM : PKCS12));
  if (contentType !== PEM && contentType !== PKCS12) throw bad(`The content type '${contentType}' is not supported.`);
  const size = priv.n ? Buffer.from(priv.n, 'base64url').length * 8 : undefined;
  const policy: CertPolicy = {
    key_props: {
      kty: priv.kty,
      ...(size ? { key_size: size } : { crv: priv.crv! }),
      exportable: true,
      reuse_key: false,
    },
    secret_props: { contentType },
    x509_props: { subject: subjectOf(leaf.cert), validity_months: monthsOf(leaf.cert) },
    // Key Vault's name for a certificate it did not issue.
    issuer: { name: 'Unknown' },
  };
  return { priv, der: leaf.der, chain: parsed.filter((p) => p !== leaf).map((p) => p.der), policy };
}
