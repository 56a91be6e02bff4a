import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, KeyObject, webcrypto, X509Certificate } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSecureContext } from 'node:tls';
import { fileURLToPath } from 'node:url';
import { startTestServer, type TestServer } from '../helpers/server.js';
import { forEachStore } from '../helpers/postgres.js';
import { runLineClient, type Answer } from '../helpers/line-client.js';
import { assignRole, removeRole, vaultWithVm, type VaultWithVm } from '../helpers/key-vault-client.js';
import { BuiltinRoleIds } from '../../src/server/rbac/builtin-roles.js';
import { x509 } from '../../src/server/pki/x509.js';

const CLIENT = fileURLToPath(new URL('./clients/key-vault-certificates.client.js', import.meta.url));
const CERTIFICATES_OFFICER = BuiltinRoleIds.keyVaultCertificatesOfficer;
// Reads the certificate's key and secret, which Certificates Officer cannot.
const CERTIFICATE_USER = BuiltinRoleIds.keyVaultCertificateUser;

type Call = (cmd: object) => Promise<Answer>;
const ok = async (p: Promise<Answer>): Promise<any> => {
  const a = await p;
  assert.ok(a.ok, JSON.stringify(a));
  return a.result;
};
const certOf = (r: { cer: string }) => new X509Certificate(Buffer.from(r.cer, 'base64'));
const spki = (k: KeyObject | Parameters<typeof createPublicKey>[0]) =>
  (k instanceof KeyObject && k.type === 'public' ? k : createPublicKey(k))
    .export({ format: 'der', type: 'spki' })
    .toString('hex');

const WEB = {
  issuerName: 'Self',
  subject: 'CN=web.example',
  subjectAlternativeNames: { dnsNames: ['web.example', 'www.web.example'] },
  contentType: 'application/x-pem-file',
  validityInMonths: 6,
};
const INTERNAL = { issuerName: 'openmi', subject: 'CN=internal', keyType: 'EC', keyCurveName: 'P-256' };

await forEachStore((storeName, storeSpec) => {
  describe(`@azure/keyvault-certificates 4.10 CertificateClient under openmi run on ${storeName}`, () => {
    let t: TestServer;
    let vmId: string;
    let principalId: string;
    let vault: VaultWithVm['vault'];
    const assign = (role: string): Promise<string> => assignRole(t, vault.id, role, principalId);

    before(async () => {
      const spec = await storeSpec();
      t = await startTestServer({ store: spec.spec, onStop: spec.drop });
      ({ vmId, principalId, vault } = await vaultWithVm(t, { rg: 'rg-certs', vault: 'kv-certs1' }));
    });
    after(() => t.stop());

    it('refused before Certificates Officer; certificates with key and secret after; refused after removal', async () => {
      const c = runLineClient(CLIENT, t.dataDir, vmId, vault.properties.vaultUri);
      try {
        const denied = await c.call({ op: 'create', name: 'web', policy: WEB });
        assert.equal(denied.statusCode, 403, JSON.stringify(denied));
        assert.match(denied.message!, /certificates\/create\/action/);
        const roles = [await assign(CERTIFICATES_OFFICER), await assign(CERTIFICATE_USER)];
        await selfSigned(c.call);
        await caIssued(c.call, t.ca);
        await versionsAndPolicy(c.call);
        await deletion(c.call);
        for (const id of roles) await removeRole(t, id);
        assert.equal((await c.call({ op: 'get', name: 'web' })).statusCode, 403, 'the next call after removal');
      } finally {
        await c.close();
      }
    });

    it('imports PFX and PEM, and merges an issuer Unknown CSR signed elsewhere; key and secret come with them', async () => {
      const roles = [await assign(CERTIFICATES_OFFICER), await assign(CERTIFICATE_USER)];
      const c = runLineClient(CLIENT, t.dataDir, vmId, vault.properties.vaultUri);
      try {
        await imports(c.call);
        await merged(c.call);
      } finally {
        await c.close();
        for (const id of roles) assert.equal((await t.arm('DELETE', `${id}?api-version=2022-04-01`)).status, 200);
      }
    });
  });
});

/** Key and certificates made with Debian's openssl, as a user brings them. */
function opensslFiles(): { pfx: Buffer; pem: string; leaf: string; ca: string } {
  const dir = mkdtempSync(join(tmpdir(), 'openmi-import-'));
  const run = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  try {
    run(
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'k.pem',
      '-out',
      'c.pem',
      '-subj',
      '/CN=pfx.example',
      '-days',
      '30',
    );
    run('pkcs12', '-export', '-inkey', 'k.pem', '-in', 'c.pem', '-out', 'a.pfx', '-passout', 'pass:s3cret');
    run(
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-subj',
      '/CN=Import CA',
      '-days',
      '30',
    );
    run(
      'req',
      '-new',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      'l.key',
      '-out',
      'l.csr',
      '-subj',
      '/CN=pem.example',
    );
    run(
      'x509',
      '-req',
      '-in',
      'l.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'l.pem',
      '-days',
      '30',
    );
    const read = (f: string) => readFileSync(join(dir, f), 'utf8');
    const pem = read('l.key') + read('l.pem') + read('ca.pem');
    return { pfx: readFileSync(join(dir, 'a.pfx')), pem, leaf: read('l.pem'), ca: read('ca.pem') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function imports(call: Call): Promise<void> {
  const f = opensslFiles();
  const wrong = await call({ op: 'importCert', name: 'imp-pfx', file: f.pfx.toString('base64'), password: 'nope' });
  assert.equal(wrong.statusCode, 400, JSON.stringify(wrong));
  const pfx = await ok(call({ op: 'importCert', name: 'imp-pfx', file: f.pfx.toString('base64'), password: 's3cret' }));
  assert.equal(pfx.enabled, true);
  assert.equal(pfx.issuer, 'Unknown');
  assert.equal(certOf(pfx).subject, 'CN=pfx.example');
  const got = await ok(call({ op: 'get', name: 'imp-pfx' }));
  assert.deepEqual([got.version, got.cer, got.keyId, got.secretId], [pfx.version, pfx.cer, pfx.keyId, pfx.secretId]);
  const secret = await ok(call({ op: 'secret', name: 'imp-pfx' }));
  assert.equal(secret.contentType, 'application/x-pkcs12');
  assert.doesNotThrow(() => createSecureContext({ pfx: Buffer.from(secret.value, 'base64') }));
  const key = await ok(call({ op: 'key', name: 'imp-pfx' }));
  assert.equal(key.n, (certOf(pfx).publicKey.export({ format: 'jwk' }) as { n: string }).n);

  const pem = await ok(
    call({ op: 'importCert', name: 'imp-pem', file: Buffer.from(f.pem).toString('base64'), pem: true }),
  );
  assert.equal(certOf(pem).fingerprint256, new X509Certificate(f.leaf).fingerprint256, 'the leaf, not the CA');
  const pemSecret = await ok(call({ op: 'secret', name: 'imp-pem' }));
  assert.equal(pemSecret.contentType, 'application/x-pem-file');
  assert.equal(
    spki(createPrivateKey(pemSecret.value)),
    spki(certOf(pem).publicKey),
    'the secret holds the private key',
  );
  assert.equal(pemSecret.value.match(/BEGIN CERTIFICATE/g).length, 2, 'and the chain');
  assert.ok(pemSecret.value.includes(f.ca.trim().split('\n')[1]));
}

/** Issuer Unknown: a CSR the test signs with its own CA, merged back; the version is then enabled with its secret. */
async function merged(call: Call): Promise<void> {
  const policy = { issuerName: 'Unknown', subject: 'CN=merged.example', keyType: 'EC', keyCurveName: 'P-256' };
  const begun = await ok(call({ op: 'beginUnknown', name: 'merged', policy }));
  assert.equal(begun.status, 'inProgress');
  const csr = new x509.Pkcs10CertificateRequest(Buffer.from(begun.csr, 'base64'));
  assert.ok(await csr.verify(), 'the CSR is signed with its key');
  assert.equal(csr.subject, 'CN=merged.example');
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const caKeys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const now = Date.now();
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: 'CN=Merge Test CA',
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 86_400_000),
    keys: caKeys,
    signingAlgorithm: alg,
  });
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '02',
    subject: csr.subject,
    issuer: ca.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 86_400_000),
    publicKey: csr.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: alg,
  });
  const der = (c: x509.X509Certificate) => Buffer.from(c.rawData).toString('base64');
  const stranger = await call({ op: 'merge', name: 'merged', x5c: [der(ca)] });
  assert.equal(stranger.statusCode, 400, 'a certificate of another key is refused');
  const done = await ok(call({ op: 'merge', name: 'merged', x5c: [der(leaf), der(ca)] }));
  assert.equal(done.enabled, true);
  assert.equal(done.cer, der(leaf));
  assert.equal(await ok(call({ op: 'operation', name: 'merged' })), 'completed');
  const secret = await ok(call({ op: 'secret', name: 'merged' }));
  assert.equal(secret.contentType, 'application/x-pkcs12');
  assert.doesNotThrow(() => createSecureContext({ pfx: Buffer.from(secret.value, 'base64') }));
  const again = await call({ op: 'merge', name: 'merged', x5c: [der(leaf)] });
  assert.equal(again.statusCode, 404, 'nothing is pending any more');
}

/** A self-signed certificate, its PEM secret holding the matching private key, and its key. */
async function selfSigned(call: Call): Promise<void> {
  const web = await ok(call({ op: 'create', name: 'web', policy: WEB }));
  assert.equal(web.status, 'completed');
  assert.match(web.keyId, new RegExp(`/keys/web/${web.version}$`));
  assert.match(web.secretId, new RegExp(`/secrets/web/${web.version}$`));
  const cert = certOf(web);
  assert.equal(cert.subject, 'CN=web.example');
  assert.equal(cert.subjectAltName, 'DNS:web.example, DNS:www.web.example');
  assert.ok(cert.verify(cert.publicKey), 'self-signed');
  const secret = await ok(call({ op: 'secret', name: 'web', version: web.version }));
  assert.equal(secret.contentType, 'application/x-pem-file');
  assert.match(secret.value, /-----BEGIN CERTIFICATE-----/);
  assert.equal(spki(createPrivateKey(secret.value)), spki(cert.publicKey), 'the secret holds the private key');
  const key = await ok(call({ op: 'key', name: 'web', version: web.version }));
  assert.equal(spki({ key: { kty: 'RSA', n: key.n, e: 'AQAB' }, format: 'jwk' }), spki(cert.publicKey));
  assert.equal(await ok(call({ op: 'operation', name: 'web' })), 'completed');
}

/** Issuer openmi: chains to the installation's CA; default content type PKCS#12. */
async function caIssued(call: Call, caPem: string): Promise<void> {
  const r = await ok(call({ op: 'create', name: 'internal', policy: INTERNAL }));
  const cert = certOf(r);
  const ca = new X509Certificate(caPem);
  assert.equal(cert.issuer, ca.subject);
  assert.ok(cert.verify(ca.publicKey), 'signed by the openmi CA');
  assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  const secret = await ok(call({ op: 'secret', name: 'internal' }));
  assert.equal(secret.contentType, 'application/x-pkcs12');
  assert.doesNotThrow(() => createSecureContext({ pfx: Buffer.from(secret.value, 'base64') }));
}

async function versionsAndPolicy(call: Call): Promise<void> {
  const first = await ok(call({ op: 'get', name: 'web' }));
  // updateCertificatePolicy's own return value is empty in 4.10 (index.js returns an unset parsedBody): read it back.
  await ok(call({ op: 'updatePolicy', name: 'web', policy: { subject: 'CN=web2.example' } }));
  const policy = await ok(call({ op: 'policy', name: 'web' }));
  assert.equal(policy.subject, 'CN=web2.example');
  assert.equal(policy.contentType, 'application/x-pem-file');
  const second = await ok(call({ op: 'create', name: 'web', policy: { ...WEB, subject: 'CN=web2.example' } }));
  assert.equal(certOf(second).subject, 'CN=web2.example');
  assert.deepEqual(await ok(call({ op: 'versions', name: 'web' })), [first.version, second.version].sort());
  assert.equal(certOf(await ok(call({ op: 'get', name: 'web', version: first.version }))).subject, 'CN=web.example');
  assert.deepEqual(await ok(call({ op: 'list' })), ['internal', 'web']);
  const tags = await ok(call({ op: 'update', name: 'web', version: second.version, tags: { team: 'a' } }));
  assert.deepEqual(tags, { team: 'a' });
}

/** Soft delete takes the key and secret along; recover brings them back; purge removes all three. */
async function deletion(call: Call): Promise<void> {
  assert.match(await ok(call({ op: 'delete', name: 'internal' })), /\/deletedcertificates\/internal$/);
  assert.equal((await call({ op: 'get', name: 'internal' })).statusCode, 404);
  assert.equal((await call({ op: 'secret', name: 'internal' })).statusCode, 404);
  assert.equal(await ok(call({ op: 'getDeleted', name: 'internal' })), 'internal');
  assert.equal(await ok(call({ op: 'recover', name: 'internal' })), 'internal');
  assert.equal((await ok(call({ op: 'secret', name: 'internal' }))).contentType, 'application/x-pkcs12');
  await ok(call({ op: 'delete', name: 'internal' }));
  assert.equal(await ok(call({ op: 'purge', name: 'internal' })), 'purged');
  assert.equal((await call({ op: 'getDeleted', name: 'internal' })).statusCode, 404);
  assert.equal((await call({ op: 'key', name: 'internal' })).statusCode, 404);
}
