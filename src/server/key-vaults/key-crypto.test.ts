import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  constants,
  createHash,
  createPublicKey,
  generateKeyPairSync,
  publicEncrypt,
  sign as nodeSign,
  verify as nodeVerify,
} from 'node:crypto';
import { decrypt, encrypt, generateKey, importKey, publicPart, sign, verify } from './key-crypto.js';
import { KeyVaultError } from './errors.js';

const DATA = Buffer.from('the message Key Vault never sees, only its digest');
const digest = (hash: string) => createHash(hash).update(DATA).digest();

// Every signature algorithm both ways: ours verified by node:crypto over the message, node's verified by ours over the digest.
const CASES = [
  { alg: 'RS256', hash: 'sha256', kty: 'RSA', opts: {} },
  { alg: 'RS512', hash: 'sha512', kty: 'RSA', opts: {} },
  { alg: 'PS256', hash: 'sha256', kty: 'RSA', opts: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } },
  { alg: 'PS384', hash: 'sha384', kty: 'RSA', opts: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 48 } },
  { alg: 'PS512', hash: 'sha512', kty: 'RSA', opts: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 } },
  { alg: 'ES256', hash: 'sha256', kty: 'EC', crv: 'P-256', opts: { dsaEncoding: 'ieee-p1363' } },
  { alg: 'ES384', hash: 'sha384', kty: 'EC', crv: 'P-384', opts: { dsaEncoding: 'ieee-p1363' } },
  { alg: 'ES512', hash: 'sha512', kty: 'EC', crv: 'P-521', opts: { dsaEncoding: 'ieee-p1363' } },
] as const;

describe('Key Vault key material', () => {
  const rsa = generateKey('RSA', 2048, undefined);
  for (const c of CASES) {
    it(`${c.alg} signs a digest as node:crypto signs the message, and verifies node's signatures`, () => {
      const priv = c.kty === 'RSA' ? rsa : generateKey('EC', undefined, c.crv);
      const pub = createPublicKey({ key: publicPart(priv) as never, format: 'jwk' });
      const ours = sign(priv, c.alg, digest(c.hash));
      assert.ok(nodeVerify(c.hash, DATA, { key: pub, ...c.opts }, ours));
      const privKey = { key: importKey(priv) as never, format: 'jwk' as const, ...c.opts };
      const theirs = nodeSign(c.hash, DATA, privKey);
      assert.equal(verify(publicPart(priv), c.alg, digest(c.hash), theirs), true);
      assert.equal(verify(publicPart(priv), c.alg, digest(c.hash).reverse(), theirs), false);
    });
  }

  it('refuses an algorithm of another key type and a digest of the wrong length', () => {
    assert.throws(() => sign(rsa, 'ES256', digest('sha256')), KeyVaultError);
    assert.throws(() => sign(rsa, 'RS256', digest('sha384')), KeyVaultError);
    assert.throws(() => generateKey('RSA', 1024, undefined), KeyVaultError);
    assert.throws(() => importKey(publicPart(rsa)), /private part/);
  });

  it('decrypts RSA-OAEP, RSA-OAEP-256 and RSA1_5 as node:crypto encrypts them', () => {
    const pub = createPublicKey({ key: publicPart(rsa) as never, format: 'jwk' });
    const cek = Buffer.from('0123456789abcdef0123456789abcdef');
    const pkcs1 = publicEncrypt({ key: pub, padding: constants.RSA_PKCS1_PADDING }, cek);
    assert.deepEqual(decrypt(rsa, 'RSA1_5', pkcs1), cek);
    const oaep256 = publicEncrypt({ key: pub, oaepHash: 'sha256' }, cek);
    assert.deepEqual(decrypt(rsa, 'RSA-OAEP-256', oaep256), cek);
    for (const alg of ['RSA-OAEP', 'RSA-OAEP-256', 'RSA1_5'])
      assert.deepEqual(decrypt(rsa, alg, encrypt(publicPart(rsa), alg, cek)), cek);
    assert.throws(() => decrypt(rsa, 'RSA-OAEP', pkcs1), /could not be decrypted/);
  });

  it('keeps only public members in the public part', () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'jwk' });
    assert.deepEqual(Object.keys(publicPart(importKey(ec))).sort(), ['crv', 'kty', 'x', 'y']);
    assert.deepEqual(Object.keys(publicPart(rsa)).sort(), ['e', 'kty', 'n']);
  });
});
