import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey } from 'node:crypto';
import { SignJWT, createLocalJWKSet, jwtVerify } from 'jose';
import { ManualClock } from '../../../kernel/clock.js';
import { generateSigningKey, importPrivateKey, jwksDocument } from '../keys/signing-key.js';
import { JwtSigner } from './signer.js';
import { verifyJwt } from './verify.js';

// jose is used only here, as an independent implementation to prove wire compatibility.
const clock = new ManualClock(Date.now());
const NOW = Math.floor(clock.now() / 1000);
const ISS = 'https://login.microsoftonline.com/tid-1/v2.0';
const AUD = 'api://openmi-test';
const keyPromise = generateSigningKey(clock);

test('jose accepts tokens from JwtSigner, resolving the key from our JWKS by kid', async () => {
  const k = await keyPromise;
  const other = await generateSigningKey(clock);
  const signer = new JwtSigner({ kid: k.kid, x5t: k.publicJwk.x5t, privateKey: importPrivateKey(k.privateKeyPem) });
  const token = signer.sign({ iss: ISS, aud: AUD, sub: 's1', iat: NOW, nbf: NOW, exp: NOW + 600 });
  const jwks = createLocalJWKSet(jwksDocument([other.publicJwk, k.publicJwk]));
  const { payload, protectedHeader } = await jwtVerify(token, jwks, {
    issuer: ISS,
    audience: AUD,
    algorithms: ['RS256'],
    currentDate: new Date(clock.now()),
  });
  assert.equal(payload.sub, 's1');
  assert.deepEqual(protectedHeader, { typ: 'JWT', alg: 'RS256', x5t: k.kid, kid: k.kid });
  // And jose refuses it under the wrong key, so the check above is meaningful.
  const wrong = createLocalJWKSet(jwksDocument([{ ...other.publicJwk, kid: k.kid }]));
  await assert.rejects(jwtVerify(token, wrong, { currentDate: new Date(clock.now()) }), {
    code: 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED',
  });
});

test('verifyJwt accepts a token signed by jose SignJWT with the same key', async () => {
  const k = await keyPromise;
  const token = await new SignJWT({ tid: 'tid-1', roles: ['r'] })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: k.kid })
    .setIssuer(ISS)
    .setAudience([AUD])
    .setIssuedAt(NOW)
    .setExpirationTime(NOW + 600)
    .sign(importPrivateKey(k.privateKeyPem));
  const publicKey = createPublicKey({ key: { kty: 'RSA', n: k.publicJwk.n, e: k.publicJwk.e }, format: 'jwk' });
  const v = verifyJwt(token, {
    keyFor: (kid) => (kid === k.kid ? publicKey : undefined),
    issuers: [ISS],
    audiences: [AUD],
    tenantId: 'tid-1',
    nowSeconds: NOW,
  });
  assert.deepEqual(v.claims.roles, ['r']);
  assert.deepEqual(v.claims.aud, [AUD]);
  assert.equal(v.header.kid, k.kid);
});
