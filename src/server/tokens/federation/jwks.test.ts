import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { parseJwks } from './jwks.js';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const pub = (k: typeof rsa.publicKey, kid: string) => ({ ...k.export({ format: 'jwk' }), kid });

describe('parseJwks', () => {
  it('keeps RSA and EC P-256 public keys by kid', () => {
    const r = parseJwks({ keys: [pub(rsa.publicKey, 'r'), { ...pub(ec.publicKey, 'e'), use: 'sig', alg: 'ES256' }] });
    assert.deepEqual(r.problems, []);
    assert.equal(r.keys.get('r')?.asymmetricKeyType, 'rsa');
    assert.equal(r.keys.get('e')?.asymmetricKeyType, 'ec');
  });

  it('refuses private members, symmetric keys, other curves, weak RSA and missing kids, saying which key', () => {
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    const r = parseJwks({
      keys: [
        { ...rsa.privateKey.export({ format: 'jwk' }), kid: 'priv' },
        { kty: 'oct', k: 'c2VjcmV0', kid: 'hmac' },
        { ...generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ format: 'jwk' }), kid: 'p384' },
        pub(weak, 'weak'),
        rsa.publicKey.export({ format: 'jwk' }),
        { ...pub(rsa.publicKey, 'enc'), use: 'enc' },
        pub(rsa.publicKey, 'ok'),
        pub(ec.publicKey, 'ok'),
      ],
    });
    assert.deepEqual([...r.keys.keys()], ['ok']);
    assert.match(r.problems[0]!, /key 0 \('priv'\) contains private key members \(d, p, q, dp, dq, qi\)/);
    assert.match(r.problems[1]!, /key 1 \('hmac'\) contains private key members \(k\)/);
    assert.match(r.problems[2]!, /'p384'\) is an EC key that is not P-256/);
    assert.match(r.problems[3]!, /'weak'\) is an RSA key of 1024 bits/);
    assert.match(r.problems[4]!, /key 4 has no 'kid'/);
    assert.match(r.problems[5]!, /has use 'enc'/);
    assert.match(r.problems[6]!, /key 7 \('ok'\) repeats a kid/);
  });

  it('refuses documents that are not a JWKS', () => {
    assert.match(parseJwks([]).problems[0]!, /no 'keys' array/);
    assert.match(parseJwks({ keys: Array.from({ length: 101 }, () => ({})) }).problems[0]!, /101 keys; at most 100/);
  });
});
