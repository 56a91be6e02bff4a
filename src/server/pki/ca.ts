import { X509Certificate as NodeX509, createPrivateKey } from 'node:crypto';
import type { Clock } from '../../kernel/clock.js';
import type { Random } from '../../kernel/ids.js';
import {
  BACKDATE_MS,
  DAY_MS,
  type CryptoKey,
  generateRsaKeyPair,
  importRsaSigningKey,
  privateKeyToPem,
  randomSerial,
  x509,
} from './x509.js';

/** A CA ready to issue: its certificate and its (non-extractable) signing key. */
export interface IssuingCa {
  cert: x509.X509Certificate;
  key: CryptoKey;
}

/** PEM text as stored: the public certificate and the PKCS#8 private key (sealed before writing). */
export interface CaPems {
  certPem: string;
  keyPem: string;
}

const CA_VALIDITY_DAYS = 3650; // 10 years: clients install this once; rotating it is a manual event

/**
 * Creates the local root CA. Extensions follow what strict verifiers require
 * (OpenSSL 3 with X509_STRICT, which Python 3.13+ enables by default): critical
 * basicConstraints CA:true, critical keyUsage, and SKI/AKI.
 */
export async function createCa(clock: Clock, random: Random): Promise<CaPems> {
  const keys = await generateRsaKeyPair();
  const notBefore = new Date(clock.now() - BACKDATE_MS);
  // A random id in the name tells two installations' CAs apart in a trust store.
  const id = random.bytes(4).toString('hex');
  const ski = await x509.SubjectKeyIdentifierExtension.create(keys.publicKey);
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(random),
    name: `CN=openmi local CA ${id}, O=openmi`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + CA_VALIDITY_DAYS * DAY_MS),
    keys,
    extensions: [
      // pathLength 0: this CA only ever signs leaves, so a leaked leaf can't act as a CA.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      ski,
      new x509.AuthorityKeyIdentifierExtension(ski.keyId),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await privateKeyToPem(keys.privateKey) };
}

/** Loads a stored CA, refusing a key that does not belong to the certificate. */
export async function loadCa(pems: CaPems): Promise<IssuingCa> {
  const nodeCert = new NodeX509(pems.certPem);
  if (!nodeCert.ca) throw new Error('ca.pem is not a CA certificate');
  if (!nodeCert.checkPrivateKey(createPrivateKey(pems.keyPem))) {
    throw new Error('ca-key.sealed does not belong to ca.pem; restore the matching pair from backup');
  }
  return { cert: new x509.X509Certificate(pems.certPem), key: await importRsaSigningKey(pems.keyPem) };
}
