import { JwtVerifyError, show } from '../jwt/errors.js';
import { parseJson } from '../../../kernel/json.js';
import { DEFAULT_MAX_TOKEN_LENGTH, verifyJwt, type JwtClaims, type VerifyOptions } from '../jwt/verify.js';

/** What an assertion says about itself, read before anything is verified. */
export interface UnverifiedAssertion {
  alg: unknown;
  iss: string;
  sub: string;
  /** `aud` as a list (a JWT may carry one string or an array). */
  aud: string[];
}

function fail(message: string): never {
  throw new JwtVerifyError('malformed', message);
}

function decodeSegment(segment: string | undefined, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = parseJson(Buffer.from(segment ?? '', 'base64url').toString('utf8'));
  } catch {
    return fail(`the assertion ${what} is not base64url-encoded JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail(`the assertion ${what} must be a JSON object`);
  return value as Record<string, unknown>;
}

/**
 * Reads `iss`, `sub` and `aud` WITHOUT verifying anything. The issuer decides which keys verify
 * the signature, so it has to be read first; nothing read here is trusted until verifyAssertion
 * has checked the signature with keys that never come from the token itself.
 */
export function peekAssertion(token: string): UnverifiedAssertion {
  if (token.length > DEFAULT_MAX_TOKEN_LENGTH)
    fail(`the assertion is ${token.length} characters; at most ${DEFAULT_MAX_TOKEN_LENGTH} are accepted`);
  const parts = token.split('.');
  if (parts.length !== 3) fail('the assertion is not a JWT; expected three base64url segments separated by "."');
  const header = decodeSegment(parts[0], 'header');
  const c = decodeSegment(parts[1], 'payload');
  if (typeof c.iss !== 'string' || c.iss === '') fail("the assertion has no 'iss' claim");
  if (typeof c.sub !== 'string' || c.sub === '') fail("the assertion has no 'sub' claim");
  const aud = typeof c.aud === 'string' ? [c.aud] : c.aud;
  if (!Array.isArray(aud) || aud.length === 0 || !aud.every((a): a is string => typeof a === 'string')) {
    fail(`the assertion 'aud' claim ${show(c.aud)} must be a string or an array of strings`);
  }
  return { alg: header.alg, iss: c.iss, sub: c.sub, aud };
}

/**
 * Verifies an assertion signed with RS256 or ES256 (several workload issuers sign with P-256
 * keys). Every other algorithm, `none` and the HMAC family included, is refused before any key
 * is looked up.
 */
export function verifyAssertion(token: string, opts: VerifyOptions): { kid: string; claims: JwtClaims } {
  const v = verifyJwt(token, { ...opts, algorithms: ['RS256', 'ES256'] });
  return { kid: v.header.kid, claims: v.claims };
}
