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
import { normalizePolicy } from './cert-issue.js';

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
  { alg: 'ES256K', hash: 'sha256', kty: 'EC', crv: 'P-256K', opts: { dsaEncoding: 'ieee-p1363' } },
] as const;
const EC_CASES = CASES.filter((c) => c.kty === 'EC');

/** node:crypto names P-256K by its SEC name. */
const nodeJwk = (jwk: object) => {
  const j = jwk as { crv?: string };
  return (j.crv === 'P-256K' ? { ...j, crv: 'secp256k1' } : j) as never;
};

describe('Key Vault key material', () => {
  const rsa = generateKey('RSA', 2048, undefined);
  for (const c of CASES) {
    it(`${c.alg} signs a digest as node:crypto signs the message, and verifies node's signatures`, () => {
      const priv = c.kty === 'RSA' ? rsa : generateKey('EC', undefined, c.crv);
      const pub = createPublicKey({ key: nodeJwk(publicPart(priv)), format: 'jwk' });
      const ours = sign(priv, c.alg, digest(c.hash));
      assert.ok(nodeVerify(c.hash, DATA, { key: pub, ...c.opts }, ours));
      const privKey = { key: nodeJwk(importKey(priv)), format: 'jwk' as const, ...c.opts };
      const theirs = nodeSign(c.hash, DATA, privKey);
      assert.equal(verify(publicPart(priv), c.alg, digest(c.hash), theirs), true);
      assert.equal(verify(publicPart(priv), c.alg, digest(c.hash).reverse(), theirs), false);
    });
  }

  // JWS form (RFC 7518 §3.4): r || s, each the curve's size, and a fresh signature every time (hedged).
  for (const c of EC_CASES) {
    it(`${c.alg} signs with ${c.crv} as fixed-size r || s that node:crypto verifies as IEEE P1363`, () => {
      const priv = generateKey('EC', undefined, c.crv);
      assert.equal(priv.crv, c.crv);
      const pub = createPublicKey({ key: nodeJwk(publicPart(priv)), format: 'jwk' });
      const size = { 'P-256': 32, 'P-384': 48, 'P-521': 66, 'P-256K': 32 }[c.crv];
      const sigs = [0, 1, 2].map(() => sign(priv, c.alg, digest(c.hash)));
      for (const sig of sigs) {
        assert.equal(sig.length, 2 * size);
        assert.ok(nodeVerify(c.hash, DATA, { key: pub, dsaEncoding: 'ieee-p1363' }, sig));
        assert.equal(nodeVerify(c.hash, Buffer.from('other'), { key: pub, dsaEncoding: 'ieee-p1363' }, sig), false);
      }
      assert.equal(new Set(sigs.map((s) => s.toString('hex'))).size, 3);
      // An imported key of the curve signs too, and keeps Key Vault's curve name.
      const imported = importKey(priv);
      assert.equal(imported.crv, c.crv);
      assert.ok(
        nodeVerify(c.hash, DATA, { key: pub, dsaEncoding: 'ieee-p1363' }, sign(imported, c.alg, digest(c.hash))),
      );
    });

    it(`${c.alg} refuses a digest of the wrong length with Key Vault's BadParameter`, () => {
      const priv = generateKey('EC', undefined, c.crv);
      const wrong = c.hash === 'sha256' ? 'sha384' : 'sha256';
      const expected = (e: unknown) =>
        e instanceof KeyVaultError &&
        e.code === 'BadParameter' &&
        e.status === 400 &&
        new RegExp(`^Invalid length of 'value': \\d+ bytes\\. ${c.alg} requires \\d+ bytes\\.$`).test(e.message);
      assert.throws(() => sign(priv, c.alg, digest(wrong)), expected);
      assert.throws(() => sign(priv, c.alg, Buffer.alloc(0)), expected);
      assert.throws(() => verify(publicPart(priv), c.alg, digest(wrong), Buffer.alloc(64)), expected);
    });
  }

  it('verifies high-S signatures as node:crypto does, and refuses malformed ones', () => {
    const priv = generateKey('EC', undefined, 'P-256');
    const sig = sign(priv, 'ES256', digest('sha256'));
    const n = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
    const s = BigInt(`0x${sig.subarray(32).toString('hex')}`);
    const high = Buffer.concat([sig.subarray(0, 32), Buffer.from((n - s).toString(16).padStart(64, '0'), 'hex')]);
    const pub = createPublicKey({ key: publicPart(priv) as never, format: 'jwk' });
    assert.ok(nodeVerify('sha256', DATA, { key: pub, dsaEncoding: 'ieee-p1363' }, high));
    assert.equal(verify(publicPart(priv), 'ES256', digest('sha256'), high), true);
    for (const bad of [Buffer.alloc(0), Buffer.alloc(64), sig.subarray(1), Buffer.concat([sig, sig])])
      assert.equal(verify(publicPart(priv), 'ES256', digest('sha256'), bad), false);
  });

  it('refuses curve names Key Vault does not use, ES256K on a P-256 key, and P-256K certificates', () => {
    // webcrypto signs certificates and has no secp256k1: refused up front rather than a 500 later.
    const policy = { key_props: { kty: 'EC', crv: 'P-256K' }, x509_props: { subject: 'CN=k' } };
    assert.throws(
      () => normalizePolicy(policy),
      (e) => e instanceof KeyVaultError && e.code === 'BadParameter',
    );
    assert.equal(normalizePolicy({ ...policy, key_props: { kty: 'EC', crv: 'P-384' } }).key_props.crv, 'P-384');
    assert.throws(() => generateKey('EC', undefined, 'secp256k1'), /not supported/);
    assert.throws(() => sign(generateKey('EC', undefined, 'P-256'), 'ES256K', digest('sha256')), /not valid/);
  });

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
