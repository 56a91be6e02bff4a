import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { before, describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.js';
import { systemRandom } from '../../kernel/ids.js';
import { createCa, loadCa, type CaPems } from '../pki/ca.js';
import { createRegistrySigning, type SigningPems } from '../pki/registry-signing.js';
import { issueServerCert, NODE_LEAF_SUBJECT } from '../pki/server-cert.js';
import { issueCertificate } from '../key-vaults/cert-issue.js';
import { DAY_MS, x509 } from '../pki/x509.js';
import { RegistryJwt } from './registry-jwt.js';

const NAMES = { dnsNames: ['localhost'], ipAddresses: [] };
const header = (token: string) => JSON.parse(Buffer.from(token.split('.')[0]!, 'base64url').toString('utf8'));
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

/** A Key Vault certificate of issuer `openmi` (exportable key), dressed as a node's TLS leaf. */
async function keyVaultLeaf(ca: CaPems, now: number): Promise<SigningPems> {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const der = await issueCertificate(
    privateKey.export({ format: 'jwk' }),
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
    now,
    await loadCa(ca),
  );
  return {
    certPem: new X509Certificate(der).toString(),
    keyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

describe('RegistryJwt', () => {
  const clock = new ManualClock(Date.UTC(2026, 5, 1));
  let ca: CaPems;
  let signing: SigningPems;
  let jwt: RegistryJwt;
  before(async () => {
    ca = await createCa(clock, systemRandom);
    signing = await createRegistrySigning(clock, systemRandom);
    jwt = new RegistryJwt(signing, clock);
  });

  it('signs RS256 with x5c = [the self-signed signing certificate] and reads its own tokens back', () => {
    const token = jwt.sign({ sub: 'p', access: [] });
    const h = header(token);
    assert.equal(h.alg, 'RS256');
    assert.equal(h.x5c.length, 1);
    const cert = new X509Certificate(Buffer.from(h.x5c[0], 'base64'));
    assert.ok(cert.raw.equals(new X509Certificate(signing.certPem).raw));
    assert.ok(cert.verify(cert.publicKey), 'self-signed: it is the whole rootcertbundle');
    assert.equal(cert.ca, false);
    assert.equal(cert.checkIssued(new X509Certificate(ca.certPem)), false, 'not from the CA');
    const usage = new x509.X509Certificate(cert.raw).getExtension(x509.KeyUsagesExtension)!;
    assert.equal(usage.usages, x509.KeyUsageFlags.digitalSignature);
    assert.deepEqual(jwt.read(token), { sub: 'p', access: [] });
  });

  it("reads another node's token: every node holds the same pair", () => {
    const b = new RegistryJwt(signing, clock);
    assert.deepEqual(b.read(jwt.sign({ sub: 'from-a' })), { sub: 'from-a' });
    assert.deepEqual(jwt.read(b.sign({ sub: 'from-b' })), { sub: 'from-b' });
  });

  it("refuses tokens signed with the CA's leaves: a node's TLS leaf, a Key Vault certificate, the CA itself", async () => {
    const issuing = await loadCa(ca);
    const signers = [
      await issueServerCert(issuing, NAMES, clock, systemRandom),
      await keyVaultLeaf(ca, clock.now()),
      { certPem: ca.certPem, keyPem: ca.keyPem },
    ];
    for (const s of signers) {
      const push = { sub: 'attacker', access: [{ type: 'repository', name: 'x', actions: ['push'] }] };
      assert.equal(jwt.read(new RegistryJwt(s, clock).sign(push)), undefined);
    }
  });

  it("refuses another installation's signing certificate, and ours with another key's signature", async () => {
    const other = new RegistryJwt(await createRegistrySigning(clock, systemRandom), clock);
    assert.equal(jwt.read(other.sign({ sub: 'p' })), undefined);
    const [, body, sig] = other.sign({ sub: 'admin' }).split('.');
    const ours = jwt.sign({ sub: 'p' }).split('.')[0];
    assert.equal(jwt.read(`${ours}.${body}.${sig}`), undefined);
  });

  it('refuses x5c with anything beside our certificate, even when the signature is ours', () => {
    const x5c = header(jwt.sign({})).x5c[0] as string;
    const caB64 = new X509Certificate(ca.certPem).raw.toString('base64');
    const signedWithOurKey = (chain: unknown) => {
      const input = `${b64({ typ: 'JWT', alg: 'RS256', x5c: chain })}.${b64({ sub: 'p' })}`;
      return `${input}.${sign('sha256', Buffer.from(input), createPrivateKey(signing.keyPem)).toString('base64url')}`;
    };
    assert.deepEqual(jwt.read(signedWithOurKey([x5c])), { sub: 'p' }, 'the control: exactly our certificate');
    // Only the x5c rule can refuse these: the signature is good.
    for (const chain of [[x5c, caB64], [caB64], [], x5c, [`${x5c}AAAA`]])
      assert.equal(jwt.read(signedWithOurKey(chain)), undefined, JSON.stringify(chain).slice(0, 40));
  });

  it('refuses every token outside the certificate validity at the clock time', () => {
    const token = jwt.sign({ sub: 'p' });
    const later = new ManualClock(clock.now() + 3651 * DAY_MS);
    assert.equal(new RegistryJwt(signing, later).read(token), undefined);
    const early = new ManualClock(clock.now() - 2 * DAY_MS);
    assert.equal(new RegistryJwt(signing, early).read(token), undefined, 'not yet valid');
  });

  it('refuses a changed payload, another alg, and malformed tokens', () => {
    const [h, , s] = jwt.sign({ sub: 'p' }).split('.');
    const forgedBody = b64({ sub: 'admin' });
    assert.equal(jwt.read(`${h}.${forgedBody}.${s}`), undefined);
    assert.equal(jwt.read(`${b64({ ...header(jwt.sign({})), alg: 'none' })}.${forgedBody}.`), undefined);
    assert.equal(jwt.read(`${b64({ alg: 'RS256' })}.${forgedBody}.${s}`), undefined);
    for (const bad of ['', 'a.b', 'e30.e30.AAAA', 'x'.repeat(20_000)]) assert.equal(jwt.read(bad), undefined);
  });

  it('refuses a key that is not the certificate’s', async () => {
    const other = await createRegistrySigning(clock, systemRandom);
    assert.throws(() => new RegistryJwt({ certPem: signing.certPem, keyPem: other.keyPem }, clock), /does not match/);
  });
});
