import { join } from 'node:path';
import type { Clock } from '../../kernel/clock.js';
import { systemRandom, type Random } from '../../kernel/ids.js';
import { createCa, loadCa, type IssuingCa } from './ca.js';
import { ensurePrivateDir, readIfExists } from '../../kernel/private-files.js';
import { readPair, unsealShared, writePair, type SharedPair } from './sealed-pair.js';
import { loadOrCreateRegistrySigning, REGISTRY_SIGNING_FILE, type SigningPems } from './registry-signing.js';
import { issueServerCert, reissueReason, type ServerNames, type ServerPems } from './server-cert.js';

export interface PkiOptions {
  dir: string;
  masterKey: Buffer;
  dnsNames: string[];
  ipAddresses: string[];
  clock: Clock;
  /** Serials and the CA name's id; injectable for tests. */
  random?: Random;
  /**
   * Where the installation keeps its one CA (the store), so every node serves certificates from
   * the same CA and a client trusting one node's ca.pem trusts them all. Without it, per dir.
   */
  sharedCa?: CaSlot;
  /** Where the installation keeps its one registry token signing pair (registry-signing.ts). */
  sharedRegistrySigning?: CaSlot;
}

/** One value, set once (first writer wins): the CA certificate and its key sealed under the master key. */
export interface CaSlot {
  get(): Promise<string | undefined>;
  setIfAbsent(value: string): Promise<string>;
}

export interface Pki {
  caCertPath: string;
  caCertPem: string;
  serverCertPem: string;
  serverKeyPem: string;
  /** The CA loaded for issuing: Key Vault certificates whose policy names the issuer `openmi` chain to it. */
  ca: IssuingCa;
  /** registry-signing.pem, the registries' rootcertbundle (docs/registries.md). */
  registrySigningPath: string;
  /** The registry token signing certificate and key; nothing else signs with it. */
  registrySigning: SigningPems;
}

const CA_KEY_AAD = 'openmi-ca-key';
const SERVER_KEY_AAD = 'openmi-server-key';

async function loadOrCreateCa(
  dir: string,
  opts: PkiOptions,
  random: Random,
): Promise<{ certPem: string; ca: IssuingCa }> {
  const files = { certPath: join(dir, 'ca.pem'), keyPath: join(dir, 'ca-key.sealed'), aad: CA_KEY_AAD };
  const { certPem, keyPem } = readPair(files, opts.masterKey);
  if (certPem !== undefined && keyPem !== undefined) {
    return { certPem, ca: await loadCa({ certPem, keyPem }) };
  }
  // Never replace half a CA: clients may already trust ca.pem, and a new one would break them.
  if (certPem !== undefined) {
    throw new Error(`${files.certPath} exists but ${files.keyPath} is missing; restore it from backup`);
  }
  if (keyPem !== undefined) {
    throw new Error(
      `${files.keyPath} exists but ${files.certPath} is missing; restore ca.pem from backup, or delete ` +
        `${files.keyPath} to create a new CA (every client trusting the old one must then be updated)`,
    );
  }
  const created = await createCa(opts.clock, random);
  writePair(files, opts.masterKey, created);
  return { certPem: created.certPem, ca: await loadCa(created) };
}

function canReuse(pems: ServerPems, ca: IssuingCa, names: ServerNames, clock: Clock): boolean {
  try {
    return reissueReason(pems, ca, names, clock) === undefined;
  } catch {
    return false; // an unparsable server.pem is just replaced; only the CA is precious
  }
}

async function loadOrIssueServer(dir: string, ca: IssuingCa, opts: PkiOptions, random: Random): Promise<ServerPems> {
  const files = { certPath: join(dir, 'server.pem'), keyPath: join(dir, 'server-key.sealed'), aad: SERVER_KEY_AAD };
  const names: ServerNames = { dnsNames: opts.dnsNames, ipAddresses: opts.ipAddresses };
  const { certPem, keyPem } = readPair(files, opts.masterKey);
  if (certPem !== undefined && keyPem !== undefined && canReuse({ certPem, keyPem }, ca, names, opts.clock)) {
    return { certPem, keyPem };
  }
  // Missing, mismatched, stale or for other names: the leaf is cheap to replace (the CA is not).
  const issued = await issueServerCert(ca, names, opts.clock, random);
  writePair(files, opts.masterKey, issued);
  return issued;
}

/**
 * The installation's CA: the one in the store if there is one (copied into this data dir, where
 * clients read ca.pem), else this dir's (an existing single-node installation keeps its CA) or a
 * new one, which is then offered to the store. Call under the store's installation lock.
 */
async function loadOrShareCa(
  opts: PkiOptions,
  slot: CaSlot,
  random: Random,
): Promise<{ certPem: string; ca: IssuingCa }> {
  const stored = await slot.get();
  if (stored === undefined) {
    const local = await loadOrCreateCa(opts.dir, opts, random);
    // The key file is already sealed under this master key with the same AAD: offered as it is.
    const offered: SharedPair = {
      certPem: local.certPem,
      sealedKey: readIfExists(join(opts.dir, 'ca-key.sealed'))!.trim(),
    };
    const won = await slot.setIfAbsent(JSON.stringify(offered));
    if (won === JSON.stringify(offered)) return local;
    return adoptSharedCa(opts, won);
  }
  return adoptSharedCa(opts, stored);
}

async function adoptSharedCa(opts: PkiOptions, stored: string): Promise<{ certPem: string; ca: IssuingCa }> {
  const shared = JSON.parse(stored) as SharedPair;
  const keyPem = unsealShared(opts.masterKey, shared, CA_KEY_AAD, 'CA');
  const files = { certPath: join(opts.dir, 'ca.pem'), keyPath: join(opts.dir, 'ca-key.sealed'), aad: CA_KEY_AAD };
  if (readIfExists(files.certPath) !== shared.certPem)
    writePair(files, opts.masterKey, { certPem: shared.certPem, keyPem });
  return { certPem: shared.certPem, ca: await loadCa({ certPem: shared.certPem, keyPem }) };
}

/**
 * The local CA and the TLS server certificate. First start creates both; later starts reuse
 * them and re-issue only the server certificate when its names change or expiry nears.
 */
export async function loadOrCreatePki(opts: PkiOptions): Promise<Pki> {
  const random = opts.random ?? systemRandom;
  // 0700 like the rest of the data dir: another local user who must trust ca.pem gets a copy.
  ensurePrivateDir(opts.dir);
  const ca = opts.sharedCa
    ? await loadOrShareCa(opts, opts.sharedCa, random)
    : await loadOrCreateCa(opts.dir, opts, random);
  const server = await loadOrIssueServer(opts.dir, ca.ca, opts, random);
  const registrySigning = await loadOrCreateRegistrySigning({
    dir: opts.dir,
    masterKey: opts.masterKey,
    clock: opts.clock,
    random,
    shared: opts.sharedRegistrySigning,
  });
  return {
    caCertPath: join(opts.dir, 'ca.pem'),
    caCertPem: ca.certPem,
    serverCertPem: server.certPem,
    serverKeyPem: server.keyPem,
    ca: ca.ca,
    registrySigningPath: join(opts.dir, REGISTRY_SIGNING_FILE),
    registrySigning,
  };
}
