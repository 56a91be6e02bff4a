import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { JwtSigner } from './signer.js';
import { JwtVerifyError, verifyJwt, type JwtFailureCode, type VerifyOptions } from './verify.js';

const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ecKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey;
const KID = 'kid-1';
const NOW = Date.UTC(2026, 0, 1) / 1000;
const ISS = 'https://sts.windows.net/72f988bf-86f1-41af-91ab-2d7cd011db47/';
const AUD = 'https://management.azure.com/';
const TID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
const signer = new JwtSigner({ kid: KID, x5t: KID, privateKey });
const claims = { aud: AUD, iss: ISS, iat: NOW, nbf: NOW, exp: NOW + 3600, tid: TID, oid: 'o1' };

const options = (over: Partial<VerifyOptions> = {}): VerifyOptions => ({
  keyFor: (kid) => (kid === KID ? publicKey : kid === 'ec' ? ecKey : undefined),
  issuers: [ISS],
  audiences: [AUD],
  tenantId: TID,
  nowSeconds: NOW,
  ...over,
});

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString('base64url');
const tokenWith = (c: Record<string, unknown>): string => signer.sign(c);
/** Signs arbitrary header/payload JSON with the real key, to reach checks past the signature. */
const rawToken = (header: unknown, payload: unknown): string => {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
};

function rejects(
  token: string,
  code: JwtFailureCode,
  message: RegExp | string,
  over: Partial<VerifyOptions> = {},
): void {
  assert.throws(
    () => verifyJwt(token, options(over)),
    (e: unknown) => {
      assert.ok(e instanceof JwtVerifyError, `expected JwtVerifyError, got ${String(e)}`);
      assert.equal(e.code, code);
      if (typeof message === 'string') assert.equal(e.message, message);
      else assert.match(e.message, message);
      // Messages must never carry the credential or its signature.
      const sig = token.split('.')[2];
      if (token.length > 8) assert.ok(!e.message.includes(token));
      if (sig && sig.length > 8) assert.ok(!e.message.includes(sig));
      return true;
    },
  );
}

test('round trip: a signed token verifies and returns header and claims', () => {
  const v = verifyJwt(tokenWith(claims), options());
  assert.deepEqual(v.header, { alg: 'RS256', kid: KID, typ: 'JWT' });
  assert.deepEqual(v.claims, claims);
  const multi = verifyJwt(tokenWith({ ...claims, aud: ['api://x', AUD] }), options());
  assert.deepEqual(multi.claims.aud, ['api://x', AUD]);
  // Without tenantId, tid is not checked.
  assert.equal(verifyJwt(tokenWith({ ...claims, tid: 'other' }), options({ tenantId: undefined })).claims.tid, 'other');
});

test('malformed: garbage, wrong segment count, bad characters, bad JSON', () => {
  for (const t of ['', 'abc', 'a.b', 'a.b.c.d', 'a.b+c.d', 'a.b c.d', 'abc.def.ghi']) {
    assert.throws(
      () => verifyJwt(t, options()),
      (e: unknown) => e instanceof JwtVerifyError && e.code === 'malformed',
      t,
    );
  }
  rejects(`${b64([1])}.${b64(claims)}.sig`, 'malformed', 'token header must be a JSON object');
  rejects('abc.def.ghi', 'malformed', 'token header is not valid UTF-8');
  rejects(`${Buffer.from('{"alg":').toString('base64url')}.def.ghi`, 'malformed', 'token header is not valid JSON');
});

test('malformed: oversized input is refused before parsing', () => {
  const big = tokenWith({ ...claims, pad: 'x'.repeat(17 * 1024) });
  rejects(big, 'malformed', new RegExp(`token is ${big.length} characters; expected at most 16384`));
  const normal = tokenWith(claims);
  rejects(normal, 'malformed', /expected at most 100$/, { maxTokenLength: 100 });
});

test('malformed: no kid, crit header, non-object payload, missing or bad exp/nbf', () => {
  rejects(rawToken({ typ: 'JWT', alg: 'RS256' }, claims), 'malformed', /no 'kid'/);
  rejects(rawToken({ alg: 'RS256', kid: KID, crit: ['exp'] }, claims), 'malformed', /critical extensions/);
  rejects(rawToken({ alg: 'RS256', kid: KID }, [claims]), 'malformed', 'token payload must be a JSON object');
  const { exp: _exp, ...noExp } = claims;
  rejects(tokenWith(noExp), 'malformed', /no numeric 'exp'/);
  rejects(tokenWith({ ...claims, exp: String(NOW + 60) }), 'malformed', /no numeric 'exp'/);
  rejects(tokenWith({ ...claims, nbf: 'soon' }), 'malformed', /'nbf' claim must be a number/);
});

test("alg_not_allowed: unsigned 'none' token", () => {
  const unsigned = `${b64({ typ: 'JWT', alg: 'none', kid: KID })}.${b64(claims)}.`;
  rejects(unsigned, 'alg_not_allowed', "token algorithm 'none' is not allowed; expected 'RS256'");
  rejects(`${b64({ typ: 'JWT', kid: KID })}.${b64(claims)}.`, 'alg_not_allowed', /algorithm 'undefined'/);
});

test('alg_not_allowed: HS256 signed with the RSA public key PEM (key confusion)', () => {
  const pem = publicKey.export({ type: 'spki', format: 'pem' });
  const input = `${b64({ typ: 'JWT', alg: 'HS256', kid: KID })}.${b64(claims)}`;
  const forged = `${input}.${createHmac('sha256', pem).update(input).digest('base64url')}`;
  rejects(forged, 'alg_not_allowed', "token algorithm 'HS256' is not allowed; expected 'RS256'");
  // The same HMAC under an RS256 header is just a bad signature.
  const relabeled = `${b64({ typ: 'JWT', alg: 'RS256', kid: KID })}.${b64(claims)}`;
  const mac = createHmac('sha256', pem).update(relabeled).digest('base64url');
  rejects(`${relabeled}.${mac}`, 'bad_signature', `token signature does not verify with key '${KID}'`);
});

test('unknown_kid: kid not known, or key unusable for RS256', () => {
  const other = new JwtSigner({ kid: 'other-kid', privateKey }).sign(claims);
  rejects(other, 'unknown_kid', "no signing key with kid 'other-kid' is known here");
  const ec = new JwtSigner({ kid: 'ec', privateKey }).sign(claims);
  rejects(ec, 'unknown_kid', /key 'ec' is not an RSA key/);
});

test('bad_signature: tampered payload keeps the old signature', () => {
  const [h, , s] = tokenWith(claims).split('.');
  const tampered = `${h}.${b64({ ...claims, oid: 'admin' })}.${s}`;
  rejects(tampered, 'bad_signature', /does not verify/);
  // Signature is checked before claims: an expired forged token reports the forgery.
  rejects(`${h}.${b64({ ...claims, exp: 1 })}.${s}`, 'bad_signature', /does not verify/);
  rejects(`${h}.${b64(claims)}.`, 'bad_signature', /does not verify/);
});

test('bad_signature: a non-canonical spelling of a valid signature is refused', () => {
  const token = tokenWith(claims);
  const sig = token.split('.')[2]!;
  // 256 bytes -> 342 chars; the last char carries 4 unused bits, so A..P all decode alike.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(sig.at(-1)!);
  const respelled = sig.slice(0, -1) + alphabet[last ^ 1];
  assert.deepEqual(Buffer.from(respelled, 'base64url'), Buffer.from(sig, 'base64url'));
  rejects(`${token.slice(0, -sig.length)}${respelled}`, 'bad_signature', /does not verify/);
});

test('expired: exp + skew <= now, default skew 30s', () => {
  rejects(
    tokenWith({ ...claims, exp: NOW - 30 }),
    'expired',
    'token expired at 2025-12-31T23:59:30.000Z (1767225570); now is 2026-01-01T00:00:00.000Z (1767225600), allowed clock skew 30s',
  );
  assert.ok(verifyJwt(tokenWith({ ...claims, exp: NOW - 29 }), options()));
  rejects(tokenWith({ ...claims, exp: NOW - 29 }), 'expired', /allowed clock skew 0s/, { clockSkewSeconds: 0 });
  assert.ok(verifyJwt(tokenWith({ ...claims, exp: NOW - 100 }), options({ clockSkewSeconds: 120 })));
});

test('not_yet_valid: nbf - skew > now', () => {
  rejects(tokenWith({ ...claims, nbf: NOW + 31 }), 'not_yet_valid', /not valid before 2026-01-01T00:00:31.000Z/);
  assert.ok(verifyJwt(tokenWith({ ...claims, nbf: NOW + 30 }), options()));
});

test('iat: when present it is a number and not beyond now + skew (revocation compares it)', () => {
  rejects(tokenWith({ ...claims, iat: String(NOW) }), 'malformed', "token 'iat' claim must be a number");
  rejects(
    tokenWith({ ...claims, iat: NOW + 31 }),
    'not_yet_valid',
    /issued at 2026-01-01T00:00:31.000Z \(1767225631\), in the future/,
  );
  assert.ok(verifyJwt(tokenWith({ ...claims, iat: NOW + 30 }), options()));
  assert.ok(verifyJwt(tokenWith({ ...claims, iat: undefined }), options()));
});

test('malformed: header or payload bytes that are not UTF-8', () => {
  const body = Buffer.concat([
    Buffer.from(JSON.stringify(claims).slice(0, -1) + ',"x":"'),
    Buffer.from([0xff, 0xfe]),
    Buffer.from('"}'),
  ]);
  const input = `${b64({ alg: 'RS256', kid: KID })}.${body.toString('base64url')}`;
  rejects(
    `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`,
    'malformed',
    'token payload is not valid UTF-8',
  );
});

test('malformed: a member named twice in the header or the payload, however it is spelled', () => {
  const raw = (header: string, payload: string): string => {
    const input = `${Buffer.from(header).toString('base64url')}.${Buffer.from(payload).toString('base64url')}`;
    return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
  };
  const body = JSON.stringify(claims).slice(1, -1);
  const header = `"alg":"RS256","kid":"${KID}"`;
  rejects(
    raw(`{${header}}`, `{${body},"aud":"api://other"}`),
    'malformed',
    "token payload names 'aud' more than once; each member may appear once",
  );
  rejects(
    raw(`{"alg":"none",${header}}`, `{${body}}`),
    'malformed',
    "token header names 'alg' more than once; each member may appear once",
  );
  rejects(raw(`{${header}}`, `{${body},"\\u006fid":"o2"}`), 'malformed', /names 'oid' more than once/);
  // The same name in different objects, and names inside string values, are not duplicates.
  const nested = `{${body},"x":{"oid":1,"y":[{"oid":2},{"oid":3}]},"z":"\\",\\"oid\\":"}`;
  assert.ok(verifyJwt(raw(`{${header}}`, nested), options()));
});

test('wrong_issuer: exact match only', () => {
  rejects(
    tokenWith({ ...claims, iss: ISS.slice(0, -1) }),
    'wrong_issuer',
    `token issuer '${ISS.slice(0, -1)}' is not accepted here; expected one of: ${ISS}`,
  );
  rejects(tokenWith({ ...claims, iss: undefined }), 'wrong_issuer', /issuer 'undefined'/);
});

test('wrong_audience: exact member of the accepted list', () => {
  const over = { audiences: ['a', 'b'] };
  rejects(
    tokenWith({ ...claims, aud: 'x' }),
    'wrong_audience',
    "token audience 'x' is not accepted here; expected one of: a, b",
    over,
  );
  rejects(tokenWith({ ...claims, aud: ['x', 'y'] }), 'wrong_audience', /audience '\["x","y"\]'/, over);
  rejects(tokenWith({ ...claims, aud: 'A' }), 'wrong_audience', /audience 'A'/, over);
  rejects(tokenWith({ ...claims, aud: [1, 'a'] }), 'wrong_audience', /audience '\[1,"a"\]'/, over);
  rejects(tokenWith({ ...claims, aud: undefined }), 'wrong_audience', /audience 'undefined'/, over);
});

test('wrong_tenant: exact tid match when tenantId is given', () => {
  rejects(
    tokenWith({ ...claims, tid: TID.toUpperCase() }),
    'wrong_tenant',
    `token tenant '${TID.toUpperCase()}' is not accepted here; expected '${TID}'`,
  );
  rejects(tokenWith({ ...claims, tid: undefined }), 'wrong_tenant', /tenant 'undefined'/);
});

test('attacker-controlled values are clipped and stripped of control characters in messages', () => {
  rejects(
    tokenWith({ ...claims, aud: `evil\n${'z'.repeat(500)}` }),
    'wrong_audience',
    /^token audience 'evil\?z{95}…' is not/,
  );
});
