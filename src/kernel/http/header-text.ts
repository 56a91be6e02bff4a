/**
 * Attacker-derived text on its way into a response header or a log line.
 *
 * Node refuses to write a header value with a character outside Latin-1 or a control character
 * (ERR_INVALID_CHAR), and it throws while the error is being rendered; and nothing bounds what a
 * caller puts in a token header or a path. So every value a request can influence (a token's
 * `kid` or `alg` quoted in an error description, an echoed request header, a path in the access
 * log) goes through here first: cut to a bound and reduced to printable ASCII, which is valid
 * in every header and cannot forge a log line (docs/security.md, finding 1).
 */

/** Default bound on an echoed value: enough to recognise it, too little to grow a header or a log. */
export const ECHO_MAX = 200;

const UNPRINTABLE = /[^\x20-\x7e]/g;

/** At most `max` printable-ASCII characters; anything else becomes `?`, a cut is marked with `...`. */
export function headerText(value: unknown, max = ECHO_MAX): string {
  const text = typeof value === 'string' ? value : String(value);
  const clipped = text.length > max ? `${text.slice(0, Math.max(0, max - 3))}...` : text;
  return clipped.replace(UNPRINTABLE, '?');
}

/**
 * The same, for the inside of an RFC 9110 quoted-string (`error_description="…"` in a
 * WWW-Authenticate challenge): `"` and `\` would end or escape the string, so they become `'`.
 */
export function quotedHeaderText(value: unknown, max = ECHO_MAX): string {
  return headerText(value, max).replace(/["\\]/g, "'");
}

/** A value for a structured log field: bounded, so one request cannot write megabytes of log. */
export const logText = (value: unknown, max = 1024): string => headerText(value, max);

/**
 * Lossless, for values a receiver must read back (identity headers the gate forwards): UTF-8
 * percent-encoding of everything outside printable ASCII, and of `%` itself.
 */
export function percentEncodeNonAscii(value: string): string {
  if (!/[^\x20-\x24\x26-\x7e]/.test(value)) return value;
  return value.replace(/[^\x20-\x24\x26-\x7e]+/gu, (run) => {
    try {
      return encodeURIComponent(run);
    } catch {
      return '%EF%BF%BD'; // a lone surrogate has no UTF-8 form: U+FFFD, as TextEncoder writes it
    }
  });
}
