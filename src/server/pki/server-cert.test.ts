import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.js';
import { systemRandom } from '../../kernel/ids.js';
import { createCa, loadCa } from './ca.js';
import { isNodeLeaf, issueServerCert, reissueReason } from './server-cert.js';
import { generateRsaKeyPair, privateKeyToPem, randomSerial, x509 } from './x509.js';

describe('node leaves carry the node certificate policy', () => {
  it('marks a new leaf, and re-issues a stored one issued before the marker', async () => {
    const clock = new ManualClock(Date.UTC(2026, 5, 1));
    const ca = await loadCa(await createCa(clock, systemRandom));
    const names = { dnsNames: ['localhost'], ipAddresses: ['127.0.0.1'] };
    const leaf = await issueServerCert(ca, names, clock, systemRandom);
    assert.ok(isNodeLeaf(new x509.X509Certificate(leaf.certPem)));
    assert.equal(reissueReason(leaf, ca, names, clock), undefined);
    // The same leaf as before this change: same names and lifetime, no policy extension.
    const keys = await generateRsaKeyPair();
    const old = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(systemRandom),
      subject: 'CN=openmi server, O=openmi',
      issuer: ca.cert.subjectName,
      notBefore: new Date(clock.now()),
      notAfter: new Date(clock.now() + 300 * 86_400_000),
      publicKey: keys.publicKey,
      signingKey: ca.key,
      extensions: [
        new x509.SubjectAlternativeNameExtension([
          { type: 'dns', value: 'localhost' },
          { type: 'ip', value: '127.0.0.1' },
        ]),
      ],
    });
    const oldPems = { certPem: old.toString('pem'), keyPem: await privateKeyToPem(keys.privateKey) };
    assert.equal(isNodeLeaf(old), false);
    assert.match(reissueReason(oldPems, ca, names, clock) ?? '', /node certificate policy/);
  });
});
