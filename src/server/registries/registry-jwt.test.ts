import assert from 'node:assert/strict';
import { X509Certificate, generateKeyPairSync } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.js';
import { systemRandom } from '../../kernel/ids.js';
import { createCa, loadCa, type CaPems } from '../pki/ca.js';
import { issueServerCert, NODE_LEAF_SUBJECT, type ServerPems } from '../pki/server-cert.js';
import { issueCertificate } from '../key-vaults/cert-issue.js';
import { DAY_MS, generateRsaKeyPair, privateKeyToPem, randomSerial, x509, type CryptoKeyPair } from '../pki/x509.js';
import { MAX_CACHED_LEAVES, RegistryJwt } from './registry-jwt.js';

const NAMES = { dnsNames: ['localhost'], ipAddresses: [] };
const header = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));

/** A leaf for `keys` from `ca` (cheap: no key generation), with the given key usage. */
async function leafFor(
  ca: CaPems,
  keys: CryptoKeyPair,
  at: number,
  usage = x509.KeyUsageFlags.digitalSignature,
  asNode = true,
): Promise<ServerPems> {
  const issuing = await loadCa(ca);
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(systemRandom),
    subject: asNode ? NODE_LEAF_SUBJECT : 'CN=leaf',
    issuer: issuing.cert.subjectName,
    notBefore: new Date(at - DAY_MS),
    notAfter: new Date(at + DAY_MS),
    publicKey: keys.publicKey,
    signingKey: issuing.key,
    extensions: [
      new x509.KeyUsagesExtension(usage, true),
      new x509.AuthorityKeyIdentifierExtension(issuing.cert.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await privateKeyToPem(keys.privateKey) };
}

describe('RegistryJwt', () => {
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  let ca: CaPems;
  let nodeA: ServerPems;
  let nodeB: ServerPems;
  let jwt: RegistryJwt;
  const node = (leaf: ServerPems, caPem = ca.certPem) => new RegistryJwt(leaf.certPem, leaf.keyPem, { caPem, clock });
  before(async () => {
    ca = await createCa(clock, systemRandom);
    const issuing = await loadCa(ca);
    nodeA = await issueServerCert(issuing, NAMES, clock, systemRandom);
    nodeB = await issueServerCert(issuing, NAMES, clock, systemRandom);
    jwt = node(nodeA);
  });

  it('signs RS256 with an x5c chain whose leaf the CA issued, and reads its own tokens back', () => {
    const token = jwt.sign({ sub: 'p', access: [] });
    const h = header(token);
    assert.equal(h.alg, 'RS256');
    const leaf = new X509Certificate(Buffer.from(h.x5c[0], 'base64'));
    assert.ok(
      leaf.verify(new X509Certificate(ca.certPem).publicKey),
      'Distribution verifies x5c against rootcertbundle (ca.pem)',
    );
    assert.deepEqual(jwt.read(token), { sub: 'p', access: [] });
  });

  it("reads another node's token when both leaves come from one CA, both ways", () => {
    const b = node(nodeB);
    assert.deepEqual(b.read(jwt.sign({ sub: 'from-a' })), { sub: 'from-a' });
    assert.deepEqual(jwt.read(b.sign({ sub: 'from-b' })), { sub: 'from-b' });
  });

  it("refuses a token signed by another CA's leaf, even one naming this CA's leaf in x5c", async () => {
    const other = await createCa(clock, systemRandom);
    const stranger = node(await issueServerCert(await loadCa(other), NAMES, clock, systemRandom), other.certPem);
    assert.equal(jwt.read(stranger.sign({ sub: 'p' })), undefined);
    // Another CA's key with our leaf in x5c: the chain holds, the signature does not.
    const [, body, sig] = stranger.sign({ sub: 'admin' }).split('.');
    const ours = jwt.sign({ sub: 'p' }).split('.')[0];
    assert.equal(jwt.read(`${ours}.${body}.${sig}`), undefined);
  });

  it('refuses a leaf outside its validity at the clock time, also once cached', async () => {
    const later = new ManualClock(clock.now());
    const reader = new RegistryJwt(nodeB.certPem, nodeB.keyPem, { caPem: ca.certPem, clock: later });
    const token = jwt.sign({ sub: 'p' });
    assert.deepEqual(reader.read(token), { sub: 'p' });
    later.advance(400 * DAY_MS); // the leaf lives 397 days
    assert.equal(reader.read(token), undefined);
    const early = new RegistryJwt(nodeB.certPem, nodeB.keyPem, {
      caPem: ca.certPem,
      clock: new ManualClock(clock.now() - 2 * DAY_MS),
    });
    assert.equal(early.read(token), undefined, 'not yet valid');
  });

  it('refuses a CA leaf without digitalSignature, and the CA certificate itself', async () => {
    const noSign = node(await leafFor(ca, await generateRsaKeyPair(), clock.now(), x509.KeyUsageFlags.keyEncipherment));
    assert.equal(jwt.read(noSign.sign({ sub: 'p' })), undefined);
    assert.deepEqual(jwt.read(node(await leafFor(ca, await generateRsaKeyPair(), clock.now())).sign({})), {});
    const asCa = node({ certPem: ca.certPem, keyPem: ca.keyPem });
    assert.equal(jwt.read(asCa.sign({ sub: 'p' })), undefined);
  });

  it("refuses a CA leaf that is not a node's: a Key Vault certificate of issuer openmi dressed as one", async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const jwk = privateKey.export({ format: 'jwk' });
    const der = await issueCertificate(
      jwk,
      {
        key_props: { kty: 'RSA', key_size: 2048, exportable: true, reuse_key: false },
        secret_props: { contentType: 'application/x-pem-file' },
        x509_props: {
          subject: NODE_LEAF_SUBJECT,
          sans: { dns_names: ['localhost'] },
          ekus: ['1.3.6.1.5.5.7.3.1'],
          key_usage: ['digitalSignature', 'keyEncipherment'],
          validity_months: 12,
        },
        issuer: { name: 'openmi' },
      },
      clock.now(),
      await loadCa(ca),
    );
    const kvLeaf = new X509Certificate(der);
    assert.ok(kvLeaf.verify(new X509Certificate(ca.certPem).publicKey), 'the CA did sign it');
    const pems = { certPem: kvLeaf.toString(), keyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
    assert.equal(jwt.read(node(pems).sign({ sub: 'admin' })), undefined);
    const notNode = await leafFor(
      ca,
      await generateRsaKeyPair(),
      clock.now(),
      x509.KeyUsageFlags.digitalSignature,
      false,
    );
    assert.equal(jwt.read(node(notNode).sign({ sub: 'admin' })), undefined);
  });

  it('refuses a changed payload, another alg, and malformed tokens', () => {
    const [h, , s] = jwt.sign({ sub: 'p' }).split('.');
    const forgedBody = Buffer.from(JSON.stringify({ sub: 'admin' })).toString('base64url');
    assert.equal(jwt.read(`${h}.${forgedBody}.${s}`), undefined);
    const none = Buffer.from(JSON.stringify({ ...header(jwt.sign({})), alg: 'none' })).toString('base64url');
    assert.equal(jwt.read(`${none}.${forgedBody}.`), undefined);
    const noX5c = Buffer.from(JSON.stringify({ alg: 'RS256' })).toString('base64url');
    assert.equal(jwt.read(`${noX5c}.${forgedBody}.${s}`), undefined);
    for (const bad of ['', 'a.b', 'e30.e30.AAAA', 'x'.repeat(20_000)]) assert.equal(jwt.read(bad), undefined);
  });

  it(`keeps at most ${MAX_CACHED_LEAVES} verified leaves and still reads evicted ones`, async () => {
    const reader = node(nodeA);
    const keys = await generateRsaKeyPair();
    const first = node(nodeB).sign({ n: 0 });
    assert.deepEqual(reader.read(first), { n: 0 });
    for (let i = 1; i <= MAX_CACHED_LEAVES; i++) {
      const leaf = await leafFor(ca, keys, clock.now());
      assert.deepEqual(reader.read(node(leaf).sign({ n: i })), { n: i });
    }
    const cache = (reader as unknown as { leaves: Map<string, unknown> }).leaves;
    assert.equal(cache.size, MAX_CACHED_LEAVES);
    assert.deepEqual(reader.read(first), { n: 0 }, 'an evicted leaf is verified again');
  });
});
