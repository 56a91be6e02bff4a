import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, webcrypto } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { newKeyAndCsr } from '../../gate/postgres/pg-tls.js';
import { ManualClock } from '../../kernel/clock.js';
import { isDomainError } from '../../kernel/errors.js';
import { systemRandom } from '../../kernel/ids.js';
import { createCa, loadCa, type IssuingCa } from './ca.js';
import { issueLeafForCsr, MAX_SAN_ENTRIES } from './leaf-requests.js';
import { DAY_MS, x509 } from './x509.js';

async function csrWith(opts: {
  names: x509.JsonGeneralName[];
  alg?: webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams;
}): Promise<string> {
  const alg = opts.alg ?? { name: 'ECDSA', namedCurve: 'P-256' };
  const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const signingAlgorithm = alg.name === 'ECDSA' ? { name: 'ECDSA', hash: 'SHA-256' } : { ...alg, hash: 'SHA-256' };
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: 'CN=x',
    keys: keys as webcrypto.CryptoKeyPair,
    signingAlgorithm,
    extensions: opts.names.length ? [new x509.SubjectAlternativeNameExtension(opts.names)] : [],
  });
  return csr.toString('pem');
}

const refuses = async (p: Promise<unknown>, re: RegExp) =>
  assert.rejects(p, (e: unknown) => isDomainError(e) && e.kind === 'invalid' && re.test(e.message));

describe('issueLeafForCsr', () => {
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  let ca: IssuingCa;
  let caPem: string;
  before(async () => {
    const pems = await createCa(clock, systemRandom);
    caPem = pems.certPem;
    ca = await loadCa(pems);
  });

  it('signs the CSR key for its DNS and IP names, serverAuth, 30 days by default', async () => {
    const { keyPem, csrPem } = await newKeyAndCsr({ dnsNames: ['db.example.test'], ipAddresses: ['127.0.0.1', '::1'] });
    const leaf = await issueLeafForCsr(ca, { csrPem }, clock, systemRandom);
    const cert = new X509Certificate(leaf.certPem);
    assert.ok(cert.checkIssued(new X509Certificate(caPem)) && cert.verify(new X509Certificate(caPem).publicKey));
    assert.ok(cert.checkPrivateKey(createPrivateKey(keyPem)), 'the leaf carries the CSR key');
    assert.equal(cert.subjectAltName, 'DNS:db.example.test, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    assert.equal(cert.ca, false);
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']);
    assert.equal(leaf.notAfter.getTime(), clock.now() + 30 * DAY_MS);
    assert.deepEqual(leaf.dnsNames, ['db.example.test']);
    assert.match(leaf.publicKeySha256, /^[0-9a-f]{64}$/);
  });

  it('takes a validity of 1 to 90 days and never past the CA', async () => {
    const csrPem = await csrWith({ names: [{ type: 'dns', value: 'a.test' }] });
    const short = await issueLeafForCsr(ca, { csrPem, validityDays: 1 }, clock, systemRandom);
    assert.equal(short.notAfter.getTime(), clock.now() + DAY_MS);
    for (const v of [0, 91, 1.5])
      await refuses(issueLeafForCsr(ca, { csrPem, validityDays: v }, clock, systemRandom), /validityDays/);
    const late = new ManualClock(ca.cert.notAfter.getTime() - DAY_MS);
    const capped = await issueLeafForCsr(ca, { csrPem }, late, systemRandom);
    assert.equal(capped.notAfter.getTime(), ca.cert.notAfter.getTime());
  });

  it('refuses wildcards, other name types, no names, too many names', async () => {
    const issue = async (names: x509.JsonGeneralName[]) =>
      issueLeafForCsr(ca, { csrPem: await csrWith({ names }) }, clock, systemRandom);
    await refuses(issue([{ type: 'dns', value: '*.example.test' }]), /not a DNS host name/);
    await refuses(issue([{ type: 'dns', value: 'bad_name.test' }]), /not a DNS host name/);
    await refuses(issue([{ type: 'email', value: 'a@b.test' }]), /Only DNS and IP/);
    await refuses(issue([]), /subjectAltName/);
    const many = Array.from({ length: MAX_SAN_ENTRIES + 1 }, (_, i) => ({ type: 'dns' as const, value: `h${i}.test` }));
    await refuses(issue(many), /at most 16/);
  });

  it('refuses a weak key, a CSR whose signature does not hold, and what is not a CSR', async () => {
    const weak = await csrWith({
      names: [{ type: 'dns', value: 'a.test' }],
      alg: {
        name: 'RSASSA-PKCS1-v1_5',
        modulusLength: 1024,
        publicExponent: new Uint8Array([1, 0, 1]),
        hash: 'SHA-256',
      },
    });
    await refuses(issueLeafForCsr(ca, { csrPem: weak }, clock, systemRandom), /RSA of 2048/);
    const good = await csrWith({ names: [{ type: 'dns', value: 'a.test' }] });
    const der = Buffer.from(x509.PemConverter.decodeFirst(good));
    der[der.length - 5]! ^= 0xff; // inside the signature
    const broken = x509.PemConverter.encode(der, 'CERTIFICATE REQUEST');
    await refuses(issueLeafForCsr(ca, { csrPem: broken }, clock, systemRandom), /signature does not verify/);
    await refuses(issueLeafForCsr(ca, { csrPem: 'hello' }, clock, systemRandom), /not a PEM/);
    await refuses(issueLeafForCsr(ca, { csrPem: 'x'.repeat(20_000) }, clock, systemRandom), /at most/);
  });
});
