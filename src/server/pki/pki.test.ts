import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../kernel/clock.js';
import { unseal } from '../../kernel/sealing.js';
import { loadOrCreatePki, type PkiOptions } from './pki.js';
import { x509 } from './x509.js';

const DAY = 24 * 60 * 60 * 1000;
const masterKey = Buffer.alloc(32, 3);
const dnsNames = ['localhost', 'openmi.localhost', '*.vault.openmi.localhost'];
const ipAddresses = ['127.0.0.1', '::1'];

function setup(t: { after: (fn: () => void) => void }): PkiOptions & { clock: ManualClock } {
  const dir = mkdtempSync(join(tmpdir(), 'openmi-pki-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return { dir: join(dir, 'pki'), masterKey, dnsNames, ipAddresses, clock: new ManualClock(Date.UTC(2026, 0, 1)) };
}

const mode = (path: string): number => statSync(path).mode & 0o777;

test('first start writes the CA and server files with the right modes and sealing', async (t) => {
  const opts = setup(t);
  const pki = await loadOrCreatePki(opts);
  assert.equal(pki.caCertPath, join(opts.dir, 'ca.pem'));
  assert.equal(readFileSync(pki.caCertPath, 'utf8'), pki.caCertPem);
  assert.equal(readFileSync(join(opts.dir, 'server.pem'), 'utf8'), pki.serverCertPem);
  assert.match(pki.serverKeyPem, /^-----BEGIN PRIVATE KEY-----/);
  if (process.platform !== 'win32') {
    assert.equal(mode(join(opts.dir, 'ca.pem')), 0o600);
    assert.equal(mode(join(opts.dir, 'server.pem')), 0o600);
    assert.equal(mode(join(opts.dir, 'ca-key.sealed')), 0o600);
    assert.equal(mode(join(opts.dir, 'server-key.sealed')), 0o600);
  }
  const sealedServerKey = readFileSync(join(opts.dir, 'server-key.sealed'), 'utf8');
  assert.ok(!sealedServerKey.includes('PRIVATE KEY'));
  assert.equal(unseal(masterKey, sealedServerKey, 'openmi-server-key').toString(), pki.serverKeyPem);
  const caKey = unseal(masterKey, readFileSync(join(opts.dir, 'ca-key.sealed'), 'utf8'), 'openmi-ca-key').toString();
  assert.ok(new X509Certificate(pki.caCertPem).checkPrivateKey(createPrivateKey(caKey)));
});

test('CA and leaf have the required properties and extensions', async (t) => {
  const opts = setup(t);
  const pki = await loadOrCreatePki(opts);
  const ca = new X509Certificate(pki.caCertPem);
  const leaf = new X509Certificate(pki.serverCertPem);
  assert.equal(ca.ca, true);
  assert.match(ca.subject, /^CN=openmi local CA [0-9a-f]{8}$/m);
  assert.equal(leaf.ca, false);
  assert.ok(leaf.verify(ca.publicKey));
  assert.ok(leaf.checkIssued(ca));
  assert.equal(leaf.checkHost('localhost'), 'localhost');
  assert.equal(leaf.checkHost('kv1.vault.openmi.localhost'), '*.vault.openmi.localhost'); // returns the matching SAN
  assert.equal(leaf.checkHost('evil.example.com'), undefined);
  assert.equal(leaf.checkIP('127.0.0.1'), '127.0.0.1');
  assert.equal(leaf.checkIP('::1'), '::1');
  assert.equal(leaf.checkIP('10.0.0.1'), undefined);
  assert.deepEqual(leaf.keyUsage, ['1.3.6.1.5.5.7.3.1']); // node reports the EKU here

  const caX = new x509.X509Certificate(pki.caCertPem);
  const bc = caX.getExtension(x509.BasicConstraintsExtension)!;
  assert.equal(bc.critical, true);
  assert.equal(bc.ca, true);
  const ku = caX.getExtension(x509.KeyUsagesExtension)!;
  assert.equal(ku.critical, true);
  assert.equal(ku.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
  const ski = caX.getExtension(x509.SubjectKeyIdentifierExtension)!;
  assert.equal(caX.notAfter.getTime() - caX.notBefore.getTime(), 3650 * DAY);

  const leafX = new x509.X509Certificate(pki.serverCertPem);
  assert.equal(leafX.getExtension(x509.BasicConstraintsExtension)!.ca, false);
  assert.equal(
    leafX.getExtension(x509.KeyUsagesExtension)!.usages,
    x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
  );
  assert.equal(leafX.getExtension(x509.AuthorityKeyIdentifierExtension)!.keyId, ski.keyId);
  assert.ok(leafX.notAfter.getTime() - leafX.notBefore.getTime() <= 397 * DAY);
  assert.ok(leafX.notBefore.getTime() <= opts.clock.now());
});

test('second start reuses the CA and the leaf', async (t) => {
  const opts = setup(t);
  const first = await loadOrCreatePki(opts);
  opts.clock.advance(100 * DAY);
  const second = await loadOrCreatePki(opts);
  assert.equal(second.caCertPem, first.caCertPem);
  assert.equal(second.serverCertPem, first.serverCertPem);
  assert.equal(second.serverKeyPem, first.serverKeyPem);
});

test('changed names re-issue the leaf under the same CA', async (t) => {
  const opts = setup(t);
  const first = await loadOrCreatePki(opts);
  const second = await loadOrCreatePki({ ...opts, dnsNames: [...dnsNames, 'openmi.internal'] });
  assert.equal(second.caCertPem, first.caCertPem);
  assert.notEqual(second.serverCertPem, first.serverCertPem);
  const leaf = new X509Certificate(second.serverCertPem);
  assert.equal(leaf.checkHost('openmi.internal'), 'openmi.internal');
  assert.ok(leaf.verify(new X509Certificate(first.caCertPem).publicKey));
  // Same names again (different order, different IPv6 spelling): no further re-issue.
  const third = await loadOrCreatePki({
    ...opts,
    dnsNames: ['openmi.internal', ...[...dnsNames].reverse()],
    ipAddresses: ['0:0:0:0:0:0:0:1', '127.0.0.1'],
  });
  assert.equal(third.serverCertPem, second.serverCertPem);
});

test('a leaf expiring within 30 days is re-issued; the CA is kept', async (t) => {
  const opts = setup(t);
  const first = await loadOrCreatePki(opts);
  opts.clock.advance(360 * DAY); // 37 days left: keep
  assert.equal((await loadOrCreatePki(opts)).serverCertPem, first.serverCertPem);
  opts.clock.advance(8 * DAY); // 29 days left: renew
  const renewed = await loadOrCreatePki(opts);
  assert.equal(renewed.caCertPem, first.caCertPem);
  assert.notEqual(renewed.serverCertPem, first.serverCertPem);
  const notAfter = new x509.X509Certificate(renewed.serverCertPem).notAfter.getTime();
  assert.ok(notAfter > opts.clock.now() + 300 * DAY);
});

test('a corrupt server.pem is replaced, but a missing CA key is never papered over', async (t) => {
  const opts = setup(t);
  const first = await loadOrCreatePki(opts);
  writeFileSync(join(opts.dir, 'server.pem'), 'garbage');
  const second = await loadOrCreatePki(opts);
  assert.equal(second.caCertPem, first.caCertPem);
  assert.ok(new X509Certificate(second.serverCertPem).checkIssued(new X509Certificate(first.caCertPem)));
  rmSync(join(opts.dir, 'ca-key.sealed'));
  await assert.rejects(loadOrCreatePki(opts), /ca-key\.sealed is missing; restore it from backup/);
  assert.equal(readFileSync(join(opts.dir, 'ca.pem'), 'utf8'), first.caCertPem);
});

test('a wrong master key is reported, not treated as a missing CA', async (t) => {
  const opts = setup(t);
  await loadOrCreatePki(opts);
  await assert.rejects(
    loadOrCreatePki({ ...opts, masterKey: Buffer.alloc(32, 4) }),
    /ca-key\.sealed: cannot decrypt openmi-ca-key: wrong master key or tampered data/,
  );
});
