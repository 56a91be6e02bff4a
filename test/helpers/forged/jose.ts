import { constants, createHmac, sign, type KeyObject } from 'node:crypto';

/** A JOSE header or payload: an object, or raw JSON text (for duplicate names and odd numbers JSON.stringify cannot write). */
export type Json = Record<string, unknown> | string;

export type SigningAlg = 'RS256' | 'PS256' | 'ES256' | 'ES384';

export const segment = (j: Json): string =>
  Buffer.from(typeof j === 'string' ? j : JSON.stringify(j)).toString('base64url');

/** `header.payload` as a signer sees it. */
export const signingInput = (header: Json, payload: Json): string => `${segment(header)}.${segment(payload)}`;

/** A raw JWS signature over `input` (ECDSA as r||s, as JWS requires). */
export function signature(alg: SigningAlg, key: KeyObject, input: string): string {
  const data = Buffer.from(input);
  switch (alg) {
    case 'RS256':
      return sign('sha256', data, key).toString('base64url');
    case 'PS256':
      return sign('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString(
        'base64url',
      );
    case 'ES256':
      return sign('sha256', data, { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    case 'ES384':
      return sign('sha384', data, { key, dsaEncoding: 'ieee-p1363' }).toString('base64url');
  }
}

/** A compact JWS of `header` and `payload` signed by `key` under `alg` (whatever the header claims). */
export function jws(alg: SigningAlg, key: KeyObject, header: Json, payload: Json): string {
  const input = signingInput(header, payload);
  return `${input}.${signature(alg, key, input)}`;
}

/** An HMAC-signed token keyed with `secret`: the classic confusion with a public key used as the HMAC key. */
export function hmacJws(alg: 'HS256' | 'HS512', secret: string | Buffer, header: Json, payload: Json): string {
  const input = signingInput(header, payload);
  return `${input}.${createHmac(alg === 'HS256' ? 'sha256' : 'sha512', secret)
    .update(input)
    .digest('base64url')}`;
}

export const decodeSegment = (s: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Record<string, unknown>;

/** Header and claims of a compact JWT, unverified. */
export function parts(token: string): {
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  sig: string;
} {
  const [h, p, s] = token.split('.') as [string, string, string];
  return { header: decodeSegment(h), claims: decodeSegment(p), sig: s };
}

/** `o` without the named members. */
export function omit(o: Record<string, unknown>, ...names: string[]): Record<string, unknown> {
  const copy = { ...o };
  for (const n of names) delete copy[n];
  return copy;
}
