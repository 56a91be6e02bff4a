import { X509Certificate, createPrivateKey } from 'node:crypto';
import { join } from 'node:path';
import type { Clock } from '../../kernel/clock.js';
import type { Random } from '../../kernel/ids.js';
import { readIfExists } from '../../kernel/private-files.js';
import { readPair, unsealShared, writePair, type PairFiles, type SharedPair } from './sealed-pair.js';
import { BACKDATE_MS, DAY_MS, generateRsaKeyPair, privateKeyToPem, randomSerial, x509 } from './x509.js';

/** The public file the registry's `rootcertbundle` names (docs/registries.md), next to ca.pem. */
export const REGISTRY_SIGNING_FILE = 'registry-signing.pem';
const KEY_FILE = 'registry-signing-key.sealed';
const KEY_AAD = 'openmi-registry-signing-key';
const VALIDITY_DAYS = 3650; // like the CA: registries are configured with it once

export interface SigningPems {
  certPem: string;
  keyPem: string;
}

/** One value in the store, set once (first writer wins); the same shape as the CA's slot. */
export interface SigningSlot {
  get(): Promise<string | undefined>;
  setIfAbsent(value: string): Promise<string>;
}

export interface RegistrySigningOptions {
  dir: string;
  masterKey: Buffer;
  clock: Clock;
  random: Random;
  shared?: SigningSlot | undefined;
}

/**
 * The installation's registry token signing certificate: self-signed, RSA-2048, keyUsage
 * digitalSignature only, issued by nothing and issuing nothing. It is the registry's whole
 * `rootcertbundle`, so only openmi (which alone holds its key) can sign tokens Distribution
 * accepts; ca.pem would also trust every Key Vault certificate the CA issues. Go's x509
 * verification accepts a leaf that is itself in the roots pool, which is how Distribution 2.8
 * checks the token's `x5c` (https://distribution.github.io/distribution/spec/auth/jwt/).
 */
export async function createRegistrySigning(clock: Clock, random: Random): Promise<SigningPems> {
  const keys = await generateRsaKeyPair();
  const notBefore = new Date(clock.now() - BACKDATE_MS);
  const id = random.bytes(4).toString('hex');
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(random),
    name: `CN=openmi registry token signing ${id}, O=openmi`,
    notBefore,
    notAfter: new Date(notBefore.getTime() + VALIDITY_DAYS * DAY_MS),
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  // A final newline, so an operator can concatenate it with other PEM files into one bundle.
  return { certPem: `${cert.toString('pem')}\n`, keyPem: await privateKeyToPem(keys.privateKey) };
}

function checked(pems: SigningPems, files: PairFiles): SigningPems {
  if (!new X509Certificate(pems.certPem).checkPrivateKey(createPrivateKey(pems.keyPem)))
    throw new Error(`${files.keyPath} does not belong to ${files.certPath}; restore the matching pair from backup`);
  return pems;
}

function filesIn(dir: string): PairFiles {
  return { certPath: join(dir, REGISTRY_SIGNING_FILE), keyPath: join(dir, KEY_FILE), aad: KEY_AAD };
}

async function loadOrCreateLocal(o: RegistrySigningOptions): Promise<SigningPems> {
  const files = filesIn(o.dir);
  const { certPem, keyPem } = readPair(files, o.masterKey);
  if (certPem !== undefined && keyPem !== undefined) return checked({ certPem, keyPem }, files);
  // Registries may already trust this certificate: never silently replace it.
  if (certPem !== undefined)
    throw new Error(
      `${files.certPath} exists but ${files.keyPath} is missing; restore it from backup, or delete ` +
        `${files.certPath} to create a new one (every registry's rootcertbundle must then be updated)`,
    );
  // Nothing, or an orphan key from a crash between the two writes (no registry can trust it yet).
  const created = await createRegistrySigning(o.clock, o.random);
  writePair(files, o.masterKey, created);
  return created;
}

/**
 * This node's registry signing pair: the store's if there is one (copied into the data dir), else
 * this dir's or a new one, offered to the store. Call under the store's installation lock, as the
 * CA is (pki.ts), so nodes started together make one.
 */
export async function loadOrCreateRegistrySigning(o: RegistrySigningOptions): Promise<SigningPems> {
  if (!o.shared) return loadOrCreateLocal(o);
  let stored = await o.shared.get();
  if (stored === undefined) {
    const local = await loadOrCreateLocal(o);
    const offered: SharedPair = { certPem: local.certPem, sealedKey: readIfExists(filesIn(o.dir).keyPath)!.trim() };
    stored = await o.shared.setIfAbsent(JSON.stringify(offered));
    if (stored === JSON.stringify(offered)) return local;
  }
  const shared = JSON.parse(stored) as SharedPair;
  const files = filesIn(o.dir);
  const pems = checked(
    { certPem: shared.certPem, keyPem: unsealShared(o.masterKey, shared, KEY_AAD, 'registry signing') },
    files,
  );
  if (readIfExists(files.certPath) !== shared.certPem) writePair(files, o.masterKey, pems);
  return pems;
}
