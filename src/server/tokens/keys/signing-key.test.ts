import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createHash, createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import { ManualClock } from '../../../kernel/clock.js';
import { generateSigningKey, importPrivateKey, jwksDocument } from './signing-key.js';

const clock = new ManualClock(Date.UTC(2026, 0, 1));
const generated = generateSigningKey(clock);

test('kid = x5t = base64url(SHA-1(cert DER)), like Entra', async () => {
  const k = await generated;
  assert.equal(k.publicJwk.x5c.length, 1);
  const der = Buffer.from(k.publicJwk.x5c[0]!, 'base64');
  // x5c is standard base64 (RFC 7517 §4.7), not base64url.
  assert.equal(der.toString('base64'), k.publicJwk.x5c[0]);
  const thumb = createHash('sha1').update(der).digest('base64url');
  assert.equal(k.publicJwk.x5t, thumb);
  assert.equal(k.kid, thumb);
  assert.equal(k.publicJwk.kid, thumb);
  assert.equal(thumb.length, 27);
});

test('JWK fields are RS256/sig/RSA-2048 and match the certificate and private key', async () => {
  const k = await generated;
  const { kty, use, alg, e, n } = k.publicJwk;
  assert.deepEqual({ kty, use, alg, e }, { kty: 'RSA', use: 'sig', alg: 'RS256', e: 'AQAB' });
  assert.equal(Buffer.from(n, 'base64url').length, 256);
  assert.equal(k.publicJwk.issuer, undefined);

  const cert = new X509Certificate(Buffer.from(k.publicJwk.x5c[0]!, 'base64'));
  const priv = importPrivateKey(k.privateKeyPem);
  assert.ok(cert.checkPrivateKey(priv));
  assert.equal(cert.ca, false);
  assert.equal(new Date(cert.validFrom).getTime() <= clock.now(), true);
  assert.ok(new Date(cert.validTo).getTime() > clock.now() + 4 * 365 * 24 * 3600 * 1000);

  // The published JWK verifies what the private key signs.
  const data = Buffer.from('hello');
  const pub = createPublicKey({ key: { kty, n, e }, format: 'jwk' });
  assert.ok(verify('sha256', data, pub, sign('sha256', data, priv)));
});

test('each generated key is distinct', async () => {
  const [a, b] = await Promise.all([generated, generateSigningKey(clock)]);
  assert.notEqual(a.kid, b.kid);
  assert.notEqual(a.publicJwk.n, b.publicJwk.n);
});

test('jwksDocument wraps the keys in {keys: [...]}', async () => {
  const k = await generated;
  const doc = jwksDocument([k.publicJwk]);
  assert.deepEqual(Object.keys(doc), ['keys']);
  assert.deepEqual(doc.keys, [k.publicJwk]);
  assert.deepEqual(jwksDocument([]), { keys: [] });
});

test('importPrivateKey refuses non-RSA and short RSA keys', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
  assert.throws(() => importPrivateKey(ec as string), /must be RSA of at least 2048 bits, got ec/);
  const small = generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
  assert.throws(() => importPrivateKey(small as string), /got rsa 1024/);
});
