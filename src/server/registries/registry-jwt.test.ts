import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { systemClock } from '../../kernel/clock.js';
import { systemRandom } from '../../kernel/ids.js';
import { createCa, loadCa } from '../pki/ca.js';
import { issueServerCert } from '../pki/server-cert.js';
import { RegistryJwt } from './registry-jwt.js';

describe('RegistryJwt', () => {
  let ca: { certPem: string; keyPem: string };
  let jwt: RegistryJwt;
  before(async () => {
    ca = await createCa(systemClock, systemRandom);
    const leaf = await issueServerCert(
      await loadCa(ca),
      { dnsNames: ['localhost'], ipAddresses: [] },
      systemClock,
      systemRandom,
    );
    jwt = new RegistryJwt(leaf.certPem, leaf.keyPem);
  });

  it('signs RS256 with an x5c chain whose leaf the CA issued, and reads its own tokens back', () => {
    const token = jwt.sign({ sub: 'p', access: [] });
    const header = JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));
    assert.equal(header.alg, 'RS256');
    const leaf = new X509Certificate(Buffer.from(header.x5c[0], 'base64'));
    assert.ok(
      leaf.verify(new X509Certificate(ca.certPem).publicKey),
      'Distribution verifies x5c against rootcertbundle (ca.pem)',
    );
    assert.deepEqual(jwt.read(token), { sub: 'p', access: [] });
  });

  it('refuses a changed payload, another key, and malformed tokens', async () => {
    const [h, , s] = jwt.sign({ sub: 'p' }).split('.');
    const forgedBody = Buffer.from(JSON.stringify({ sub: 'admin' })).toString('base64url');
    assert.equal(jwt.read(`${h}.${forgedBody}.${s}`), undefined);
    const other = await createCa(systemClock, systemRandom);
    assert.equal(new RegistryJwt(other.certPem, other.keyPem).read(jwt.sign({ sub: 'p' })), undefined);
    for (const bad of ['', 'a.b', 'e30.e30.AAAA', 'x'.repeat(20_000)]) assert.equal(jwt.read(bad), undefined);
  });
});
