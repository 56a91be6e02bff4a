import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../kernel/clock.js';
import { systemRandom } from '../../kernel/ids.js';
import { ensurePrivateDir } from '../../kernel/private-files.js';
import { unseal } from '../../kernel/sealing.js';
import { loadOrCreatePki } from './pki.js';
import { loadOrCreateRegistrySigning, type RegistrySigningOptions, type SigningSlot } from './registry-signing.js';
import { x509 } from './x509.js';

const masterKey = Buffer.alloc(32, 5);
const clock = new ManualClock(Date.UTC(2026, 0, 1));

function dirFor(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'openmi-regsign-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  ensurePrivateDir(join(dir, 'd'));
  return join(dir, 'd');
}

const opts = (dir: string, shared?: SigningSlot): RegistrySigningOptions => ({
  dir,
  masterKey,
  clock,
  random: systemRandom,
  shared,
});

/** The store's meta value, as PostgreSQL's INSERT … ON CONFLICT DO NOTHING keeps it: first writer wins. */
function slot(): SigningSlot & { value?: string } {
  const s: SigningSlot & { value?: string } = {
    get: async () => s.value,
    setIfAbsent: async (v) => (s.value ??= v),
  };
  return s;
}

test('loadOrCreatePki writes registry-signing.pem next to ca.pem, its key sealed, and reuses it', async (t) => {
  const dir = dirFor(t);
  const pki = await loadOrCreatePki({ dir, masterKey, clock, dnsNames: ['localhost'], ipAddresses: [] });
  assert.equal(pki.registrySigningPath, join(dir, 'registry-signing.pem'));
  assert.equal(readFileSync(pki.registrySigningPath, 'utf8'), pki.registrySigning.certPem);
  const sealedPath = join(dir, 'registry-signing-key.sealed');
  assert.equal(statSync(sealedPath).mode & 0o777, 0o600);
  const key = unseal(masterKey, readFileSync(sealedPath, 'utf8').trim(), 'openmi-registry-signing-key').toString();
  assert.equal(key, pki.registrySigning.keyPem);
  const cert = new X509Certificate(pki.registrySigning.certPem);
  assert.ok(cert.checkPrivateKey(createPrivateKey(key)));
  assert.ok(cert.verify(cert.publicKey), 'self-signed');
  assert.equal(cert.checkIssued(new X509Certificate(pki.caCertPem)), false, 'not issued by the CA');
  assert.equal(cert.publicKey.asymmetricKeyDetails?.modulusLength, 2048);
  const parsed = new x509.X509Certificate(pki.registrySigning.certPem);
  const usage = parsed.getExtension(x509.KeyUsagesExtension)!;
  assert.ok(usage.critical);
  assert.equal(usage.usages, x509.KeyUsageFlags.digitalSignature);
  assert.equal(parsed.getExtension(x509.BasicConstraintsExtension)?.ca, false);
  const again = await loadOrCreatePki({ dir, masterKey, clock, dnsNames: ['localhost'], ipAddresses: [] });
  assert.deepEqual(again.registrySigning, pki.registrySigning);
});

test('nodes sharing a store slot use the first pair offered, and write it into their own dirs', async (t) => {
  const shared = slot();
  const [a, b] = [dirFor(t), dirFor(t)];
  // b made its own before the store held one (an upgraded single node): the store's wins.
  const ownB = await loadOrCreateRegistrySigning(opts(b));
  const first = await loadOrCreateRegistrySigning(opts(a, shared));
  const second = await loadOrCreateRegistrySigning(opts(b, shared));
  assert.deepEqual(second, first);
  assert.notEqual(ownB.certPem, first.certPem);
  assert.equal(readFileSync(join(b, 'registry-signing.pem'), 'utf8'), first.certPem);
  assert.deepEqual(await loadOrCreateRegistrySigning(opts(b)), first, 'the sealed key file was replaced too');
});

test('a certificate without its key is refused, not replaced; a wrong master key is named', async (t) => {
  const shared = slot();
  const dir = dirFor(t);
  const first = await loadOrCreateRegistrySigning(opts(dir, shared));
  await assert.rejects(
    loadOrCreateRegistrySigning({ ...opts(dirFor(t), shared), masterKey: Buffer.alloc(32, 6) }),
    /cannot decrypt the installation's registry signing key in the store/,
  );
  rmSync(join(dir, 'registry-signing-key.sealed'));
  await assert.rejects(loadOrCreateRegistrySigning(opts(dir)), /registry-signing-key\.sealed is missing/);
  assert.equal(readFileSync(join(dir, 'registry-signing.pem'), 'utf8'), first.certPem);
});
