/** Why a token was rejected; callers map these to wire errors (e.g. 401 invalid_token). */
export type JwtFailureCode =
  | 'malformed'
  | 'alg_not_allowed'
  | 'unknown_kid'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'wrong_tenant'
  /** Valid, but issued at or before its principal's revocation (tokens/revocation-check.ts). */
  | 'revoked';

/**
 * A rejected token. The message says what was wrong and what was expected, so an operator can
 * fix a misconfigured client from the log line alone; it never contains the token or signature
 * (a log of rejected tokens must not become a log of replayable credentials).
 */
export class JwtVerifyError extends Error {
  readonly code: JwtFailureCode;

  constructor(code: JwtFailureCode, message: string) {
    super(message);
    this.name = 'JwtVerifyError';
    this.code = code;
  }
}

const MAX_SHOWN = 100;

/** JSON for a claim of the wrong type; a value too deep to stringify is described, not thrown on. */
function printable(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return `(a ${Array.isArray(value) ? 'array' : typeof value} too deep to print)`;
  }
}

/**
 * Renders an attacker-controlled value for an error message: bounded length, control
 * characters replaced (no forged log lines), quoted so empty strings stay visible.
 */
export function show(value: unknown): string {
  const text = typeof value === 'string' ? value : printable(value);
  const clipped = text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
  return `'${clipped.replace(/[\u0000-\u001f\u007f]/g, '?')}'`;
}

/** An epoch-seconds claim as ISO time for humans, falling back to the number when out of range. */
export function showTime(seconds: number): string {
  const ms = seconds * 1000;
  return Math.abs(ms) <= 8.64e15 ? `${new Date(ms).toISOString()} (${seconds})` : String(seconds);
}
