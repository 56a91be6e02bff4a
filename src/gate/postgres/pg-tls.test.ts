import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.js';
import { systemRandom } from '../../kernel/ids.js';
import { createCa, loadCa, type IssuingCa } from '../../server/pki/ca.js';
import { issueLeafForCsr } from '../../server/pki/leaf-requests.js';
import type { IssueCertificateRequest, IssueCertificateResponse } from '../../wire/pki.js';
import { RenewingCertificate, tlsNamesFor } from './pg-tls.js';

const DAY = 86_400_000;

describe('tlsNamesFor', () => {
  it('names the listen host, the loopbacks for a wildcard address, and the extras', () => {
    assert.deepEqual(tlsNamesFor('127.0.0.1', []), { dnsNames: [], ipAddresses: ['127.0.0.1'] });
    assert.deepEqual(tlsNamesFor('DB.example.test', ['10.0.0.5', 'db']), {
      dnsNames: ['db.example.test', 'db'],
      ipAddresses: ['10.0.0.5'],
    });
    assert.deepEqual(tlsNamesFor('0.0.0.0', ['localhost']), {
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1', '::1'],
    });
  });
});

describe('RenewingCertificate', () => {
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  let ca: IssuingCa;
  let failNext = false;
  let calls = 0;
  // The server's side of POST …/certificates/issue, minus HTTP: the CA signs what the gate sends.
  const client = {
    request: async <T>(_m: string, _p: string, body?: unknown): Promise<T> => {
      calls++;
      if (failNext) throw new Error('server unreachable');
      const leaf = await issueLeafForCsr(ca, { csrPem: (body as IssueCertificateRequest).csr }, clock, systemRandom);
      const r: IssueCertificateResponse = {
        certificate: leaf.certPem,
        caCertificate: ca.cert.toString('pem'),
        serialNumber: leaf.serialNumber,
        notBefore: leaf.notBefore.toISOString(),
        notAfter: leaf.notAfter.toISOString(),
        dnsNames: leaf.dnsNames,
        ipAddresses: leaf.ipAddresses,
      };
      return r as T;
    },
  };
  before(async () => {
    ca = await loadCa(await createCa(clock, systemRandom));
  });

  it('serves a leaf for its names, renews it with a new key after two thirds of its life, keeps it on failure', async () => {
    const errors: unknown[] = [];
    const cert = new RenewingCertificate({
      client,
      names: { dnsNames: [], ipAddresses: ['127.0.0.1'] },
      clock,
      onError: (e) => errors.push(e),
    });
    await cert.start();
    cert.stop();
    const first = cert.current();
    const leaf = new X509Certificate(first.cert);
    assert.equal(leaf.subjectAltName, 'IP Address:127.0.0.1');
    assert.ok(leaf.checkPrivateKey(createPrivateKey(first.key)));

    clock.advance(19 * DAY);
    assert.equal(await cert.renewIfDue(), false, 'not due before two thirds of 30 days');
    assert.equal(cert.current(), first);

    clock.advance(2 * DAY);
    failNext = true;
    assert.equal(await cert.renewIfDue(), true);
    assert.equal(cert.current(), first, 'a failed renewal keeps serving the valid leaf');
    assert.match(String(errors[0]), /renewing the TLS certificate failed: server unreachable/);

    failNext = false;
    assert.equal(await cert.renewIfDue(), true);
    const second = cert.current();
    assert.notEqual(second.cert.toString(), first.cert.toString());
    assert.notEqual(second.key.toString(), first.key.toString(), 'a new key with each leaf');
    assert.ok(new X509Certificate(second.cert).checkPrivateKey(createPrivateKey(second.key)));
    const before = calls;
    assert.equal(await cert.renewIfDue(), false);
    assert.equal(calls, before);
  });
});
