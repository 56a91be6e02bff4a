import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, verify } from 'node:crypto';
import { JwtSigner } from './signer.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });

const decode = (segment: string): unknown => JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));

test('header is exactly {typ, alg, x5t, kid} in Entra order', () => {
  const token = new JwtSigner({ kid: 'k1', x5t: 'k1', privateKey }).sign({ a: 1 });
  const [h] = token.split('.');
  assert.equal(Buffer.from(h!, 'base64url').toString(), '{"typ":"JWT","alg":"RS256","x5t":"k1","kid":"k1"}');
});

test('x5t is omitted when not given', () => {
  const signer = new JwtSigner({ kid: 'k2', privateKey });
  assert.equal(signer.kid, 'k2');
  assert.deepEqual(decode(signer.sign({}).split('.')[0]!), { typ: 'JWT', alg: 'RS256', kid: 'k2' });
});

test('payload is the claims as JSON and the signature is RS256 over header.payload', () => {
  const claims = { iss: 'https://sts.windows.net/t/', aud: ['a', 'b'], exp: 123, name: 'Zoë' };
  const token = new JwtSigner({ kid: 'k1', privateKey }).sign(claims);
  const parts = token.split('.');
  assert.equal(parts.length, 3);
  assert.deepEqual(decode(parts[1]!), claims);
  assert.match(token, /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  const sig = Buffer.from(parts[2]!, 'base64url');
  assert.equal(sig.length, 256);
  assert.ok(verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), publicKey, sig));
  assert.ok(!verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}x`), publicKey, sig));
});

test('refuses keys that would not produce RS256', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
  assert.throws(() => new JwtSigner({ kid: 'k', privateKey: ec }), /needs an RSA private key, got private ec/);
  assert.throws(() => new JwtSigner({ kid: 'k', privateKey: publicKey }), /needs an RSA private key, got public/);
  const pss = generateKeyPairSync('rsa-pss', { modulusLength: 2048 }).privateKey;
  assert.throws(() => new JwtSigner({ kid: 'k', privateKey: pss }), /got private rsa-pss/);
});
