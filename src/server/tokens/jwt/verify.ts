import { verify, type KeyObject } from 'node:crypto';
import { JwtVerifyError, show, showTime, type JwtFailureCode } from './errors.js';
import { duplicateMember } from './duplicate-members.js';
import { parseJson } from '../../../kernel/json.js';

export { JwtVerifyError, type JwtFailureCode } from './errors.js';

export interface VerifyOptions {
  /** The public key for a `kid`, or undefined if unknown. Keys come only from here, never from the token. */
  keyFor: (kid: string) => KeyObject | undefined;
  /** Accepted `iss` values, compared exactly (Entra's v1 issuer ends in '/', v2's does not). */
  issuers: readonly string[];
  /** Accepted `aud` values, compared exactly. */
  audiences: readonly string[];
  /** If set, `tid` must equal it exactly. */
  tenantId?: string | undefined;
  /** Allowed clock difference for exp/nbf. Default 30. */
  clockSkewSeconds?: number;
  nowSeconds: number;
  /** Default 16 KiB. */
  maxTokenLength?: number;
  /** Accepted algorithms; default RS256 only (openmi's own tokens). ES256 is for federated assertions. */
  algorithms?: readonly JwtAlgorithm[];
}

export type JwtAlgorithm = 'RS256' | 'ES256';

export interface JwtHeader {
  alg: JwtAlgorithm;
  kid: string;
  typ?: string;
}

export type JwtClaims = Record<string, unknown> & {
  exp: number;
  nbf?: number;
  iss: string;
  aud: string | string[];
};

export interface VerifiedJwt {
  header: JwtHeader;
  claims: JwtClaims;
}

/**
 * 30 s: tokens are minted by this service (or peers with NTP-synced clocks), so large drift is
 * a fault worth surfacing. Microsoft.IdentityModel's 5 minutes suits a global IdP serving
 * arbitrary clients; here it would only extend the life of a stolen token.
 */
export const DEFAULT_CLOCK_SKEW_SECONDS = 30;
/** Entra keeps tokens to a few KiB (large group sets become an overage claim); 16 KiB is generous headroom. */
export const DEFAULT_MAX_TOKEN_LENGTH = 16 * 1024;

// Empty segments pass here on purpose: an unsigned `alg: none` token ("h.p.") should be
// reported as a disallowed algorithm, which is what it is.
const SEGMENTS = /^([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]*)\.([A-Za-z0-9_-]*)$/;

function fail(code: JwtFailureCode, message: string): never {
  throw new JwtVerifyError(code, message);
}

function split(token: string, maxLength: number): [string, string, string] {
  if (typeof token !== 'string') return fail('malformed', 'token must be a string');
  // Bound before any parsing: the regex, base64 and JSON work all scale with input size.
  if (token.length > maxLength) {
    return fail('malformed', `token is ${token.length} characters; expected at most ${maxLength}`);
  }
  const m = SEGMENTS.exec(token);
  if (!m) return fail('malformed', 'token is not a JWT; expected three base64url segments separated by "."');
  return [m[1]!, m[2]!, m[3]!];
}

/** RFC 7519 §7.2: the segments are UTF-8. A lenient decode would turn bad bytes into U+FFFD, so two byte strings would read as one claim. */
const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeJson(segment: string, what: string): Record<string, unknown> {
  let value: unknown;
  let text: string;
  try {
    text = UTF8.decode(Buffer.from(segment, 'base64url'));
  } catch {
    return fail('malformed', `token ${what} is not valid UTF-8`);
  }
  try {
    value = parseJson(text);
  } catch {
    return fail('malformed', `token ${what} is not valid JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return fail('malformed', `token ${what} must be a JSON object`);
  }
  const dup = duplicateMember(text);
  // The name is shown in printable ASCII only: it comes from an unverified header.
  if (dup !== undefined)
    return fail(
      'malformed',
      `token ${what} names ${show(dup.slice(0, 60).replace(/[^\x20-\x7e]/g, '?'))} more than once; each member may appear once`,
    );
  return value as Record<string, unknown>;
}

const RS256_ONLY: readonly JwtAlgorithm[] = ['RS256'];

function parseHeader(segment: string, allowed: readonly JwtAlgorithm[]): JwtHeader {
  const h = decodeJson(segment, 'header');
  // Allow-list, not deny-list: 'none', 'HS256' (key confusion with the RSA public key) and
  // every other algorithm are refused before any key is looked up.
  if (!allowed.includes(h.alg as JwtAlgorithm)) {
    return fail(
      'alg_not_allowed',
      `token algorithm ${show(h.alg)} is not allowed; expected ${allowed.map((a) => `'${a}'`).join(' or ')}`,
    );
  }
  const alg = h.alg as JwtAlgorithm;
  // RFC 7515 §4.1.11: a verifier must reject critical extensions it does not understand (all of them).
  if (h.crit !== undefined)
    return fail('malformed', 'token header lists critical extensions (crit); none are supported');
  if (typeof h.kid !== 'string' || h.kid === '') {
    return fail('malformed', "token header has no 'kid'; expected the id of a signing key");
  }
  // jku/x5u/jwk/x5c in the header are ignored: keys come only from keyFor, never from the token.
  return typeof h.typ === 'string' ? { alg, kid: h.kid, typ: h.typ } : { alg, kid: h.kid };
}

function resolveKey(header: JwtHeader, keyFor: VerifyOptions['keyFor']): KeyObject {
  const { kid, alg } = header;
  const key = keyFor(kid);
  if (!key) return fail('unknown_kid', `no signing key with kid ${show(kid)} is known here`);
  // The key must fit the algorithm: otherwise crypto.verify would run a different one (an EC or
  // RSA-PSS key under an RS256 header, an RSA key or another curve under ES256).
  const fits =
    alg === 'RS256'
      ? key.asymmetricKeyType === 'rsa'
      : key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1';
  if (!fits)
    return fail(
      'unknown_kid',
      `key ${show(kid)} is not ${alg === 'RS256' ? 'an RSA' : 'an EC P-256'} key, so it cannot verify ${alg}`,
    );
  return key;
}

/** ES256 signatures are r||s, 32 bytes each (RFC 7518 §3.4), never DER. */
const ES256_SIGNATURE_BYTES = 64;

function checkSignature(token: string, parts: readonly string[], key: KeyObject, header: JwtHeader): void {
  const kid = header.kid;
  const signingInput = Buffer.from(token.slice(0, parts[0]!.length + 1 + parts[1]!.length), 'latin1');
  const signature = Buffer.from(parts[2]!, 'base64url');
  let ok = false;
  try {
    // Canonical encoding only: otherwise "…AB" and "…AC" could decode to the same signature,
    // giving one token many spellings (defeats replay caches keyed on the token string).
    const canonical = signature.toString('base64url') === parts[2];
    ok =
      header.alg === 'RS256'
        ? canonical && verify('sha256', signingInput, key, signature)
        : canonical &&
          signature.length === ES256_SIGNATURE_BYTES &&
          verify('sha256', signingInput, { key, dsaEncoding: 'ieee-p1363' }, signature);
  } catch {
    ok = false;
  }
  if (!ok) fail('bad_signature', `token signature does not verify with key ${show(kid)}`);
}

function checkLifetime(c: Record<string, unknown>, now: number, skew: number): void {
  if (typeof c.exp !== 'number' || !Number.isFinite(c.exp)) {
    return fail('malformed', "token has no numeric 'exp' claim; tokens without an expiry are not accepted");
  }
  if (c.exp + skew <= now) {
    fail('expired', `token expired at ${showTime(c.exp)}; now is ${showTime(now)}, allowed clock skew ${skew}s`);
  }
  if (c.nbf !== undefined) {
    if (typeof c.nbf !== 'number' || !Number.isFinite(c.nbf))
      return fail('malformed', "token 'nbf' claim must be a number");
    if (c.nbf - skew > now) {
      fail(
        'not_yet_valid',
        `token is not valid before ${showTime(c.nbf)}; now is ${showTime(now)}, allowed clock skew ${skew}s`,
      );
    }
  }
  checkIssuedAt(c, now, skew);
}

/**
 * `iat` is optional (RFC 7519 §4.1.6), but when present it must be a NumericDate and not in the
 * future: revocation compares it with the revocation time (tokens/revocation-check.ts), so a
 * string `iat` or one issued "later" would slip past a revocation.
 */
function checkIssuedAt(c: Record<string, unknown>, now: number, skew: number): void {
  if (c.iat === undefined) return;
  if (typeof c.iat !== 'number' || !Number.isFinite(c.iat))
    return fail('malformed', "token 'iat' claim must be a number");
  if (c.iat - skew > now) {
    fail(
      'not_yet_valid',
      `token claims to be issued at ${showTime(c.iat)}, in the future; now is ${showTime(now)}, allowed clock skew ${skew}s`,
    );
  }
}

const oneOf = (values: readonly string[]): string => (values.length ? values.join(', ') : '(none configured)');

function checkIssuerAudienceTenant(c: Record<string, unknown>, opts: VerifyOptions): void {
  if (typeof c.iss !== 'string' || !opts.issuers.includes(c.iss)) {
    fail('wrong_issuer', `token issuer ${show(c.iss)} is not accepted here; expected one of: ${oneOf(opts.issuers)}`);
  }
  const aud = typeof c.aud === 'string' ? [c.aud] : c.aud;
  const wellFormed = Array.isArray(aud) && aud.every((a) => typeof a === 'string');
  if (!wellFormed || !aud.some((a) => opts.audiences.includes(a as string))) {
    fail(
      'wrong_audience',
      `token audience ${show(c.aud)} is not accepted here; expected one of: ${oneOf(opts.audiences)}`,
    );
  }
  if (opts.tenantId !== undefined && c.tid !== opts.tenantId) {
    fail('wrong_tenant', `token tenant ${show(c.tid)} is not accepted here; expected ${show(opts.tenantId)}`);
  }
}

/**
 * Verifies an RS256 (or, when allowed, ES256) JWT. Order matters: cheap structural checks, then the signature, and only
 * then are claims parsed and trusted. Throws JwtVerifyError with a typed `code`.
 */
export function verifyJwt(token: string, opts: VerifyOptions): VerifiedJwt {
  const parts = split(token, opts.maxTokenLength ?? DEFAULT_MAX_TOKEN_LENGTH);
  const header = parseHeader(parts[0], opts.algorithms ?? RS256_ONLY);
  const key = resolveKey(header, opts.keyFor);
  checkSignature(token, parts, key, header);
  const claims = decodeJson(parts[1], 'payload');
  checkLifetime(claims, opts.nowSeconds, opts.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS);
  checkIssuerAudienceTenant(claims, opts);
  return { header, claims: claims as JwtClaims };
}
