import { seal, unseal } from '../../kernel/sealing.js';
import { readIfExists, writePrivateFile } from '../../kernel/private-files.js';

/** A certificate file and its private key's file, sealed under the master key with `aad`. */
export interface PairFiles {
  certPath: string;
  keyPath: string;
  aad: string;
}

/** Reads a cert + sealed key pair; undefined parts are missing files. */
export function readPair(
  files: PairFiles,
  masterKey: Buffer,
): { certPem?: string | undefined; keyPem?: string | undefined } {
  const certPem = readIfExists(files.certPath);
  const sealed = readIfExists(files.keyPath);
  if (sealed === undefined) return { certPem };
  try {
    return { certPem, keyPem: unseal(masterKey, sealed, files.aad).toString('utf8') };
  } catch (e) {
    throw new Error(`${files.keyPath}: ${(e as Error).message}`);
  }
}

/** Key first, then cert: a crash in between leaves an orphan key, never a cert without its key. */
export function writePair(files: PairFiles, masterKey: Buffer, pems: { certPem: string; keyPem: string }): void {
  writePrivateFile(files.keyPath, `${seal(masterKey, Buffer.from(pems.keyPem, 'utf8'), files.aad)}\n`);
  writePrivateFile(files.certPath, pems.certPem);
}

/** A pair as one store value (first writer wins): the certificate and its key as sealed in the key file. */
export interface SharedPair {
  certPem: string;
  sealedKey: string;
}

/** The key of a shared pair, with the error every node of one installation should see on a wrong master key. */
export function unsealShared(masterKey: Buffer, shared: SharedPair, aad: string, what: string): string {
  try {
    return unseal(masterKey, shared.sealedKey, aad).toString('utf8');
  } catch (e) {
    throw new Error(
      `This node's master key cannot decrypt the installation's ${what} key in the store (${(e as Error).message}). ` +
        'Every node of one installation must run with the same master key: set OPENMI_MASTER_KEY to the one the first node used.',
      { cause: e },
    );
  }
}
