/**
 * The gate's one reading of a request target. Authorization and forwarding both use its output, so
 * no upstream can see a path other than the one the rules were matched against (the class of
 * `//admin`, `/%61dmin`, `/x/..%2fadmin` bypasses: a check on one spelling, a route on another).
 *
 * RFC 3986 §6.2.2 normalization, done once: percent-decode unreserved characters only (§2.3),
 * upper-case the hex of the escapes that stay, collapse repeated slashes, remove dot segments
 * (§5.2.4, after decoding, so `%2e%2e` is `..`). Everything an upstream could read two ways is
 * refused instead: encoded `/` or `\` (some servers decode them into separators, most do not),
 * raw `\` (a separator on Windows servers), control characters raw or encoded (NUL truncates in C),
 * invalid escapes, bytes that are not UTF-8 (overlong `%c0%af` is `/` to some decoders), a raw `;`
 * (Tomcat, Jetty and Spring cut path parameters, so `/admin;x/` and `/..;/` reach `/admin/` and
 * `..` there and not elsewhere; `%3B` stays a literal), a double encoding (`%2561` is `%61` after
 * one decoding and `a` after two: IIS and many frameworks have decoded twice), and every target
 * that is not a path.
 */

export type RequestTarget =
  | {
      ok: true;
      /** The normalized path, as forwarded: escapes kept for every byte that is not unreserved. */
      path: string;
      /** The query exactly as received, with its `?`, or ''. */
      query: string;
      /** The path's segments fully decoded (no `/` can appear in one): what rules are matched against. */
      segments: string[];
    }
  | { ok: false; reason: string };

const UNRESERVED = /^[A-Za-z0-9\-._~]$/;
/** pchar (RFC 3986 §3.3) without pct-encoded and ';' (path parameters, see above), plus the separator. */
const RAW_PATH_CHAR = /^[A-Za-z0-9\-._~!$&'()*+,=:@/]$/;
const HEX2 = /^[0-9A-Fa-f]{2}$/;
/** C0, DEL and C1 controls: refused raw (Node already does) and after decoding. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

class Refusal extends Error {}
const refuse = (reason: string): never => {
  throw new Refusal(reason);
};

/** A character for an error message: printable ASCII as is, anything else as a code. */
function show(c: string): string {
  return /^[\x21-\x7e]$/.test(c) ? `'${c}'` : `U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function refuseForm(target: string): never {
  if (target === '*')
    return refuse(
      "the request target '*' (asterisk form) names no path; the gate forwards only paths such as /orders/1",
    );
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(target))
    return refuse(
      'the request target is a full URL (absolute form); send only the path and query, e.g. GET /orders/1, and the host in the Host header',
    );
  return refuse(
    'the request target does not start with /; send a path such as /orders/1 (authority form and relative targets are not forwarded)',
  );
}

/** One escape at `i` (the `%`): its canonical spelling and its byte, or a refusal saying why. */
function escapeAt(raw: string, i: number): { text: string; byte: number } {
  const hex = raw.slice(i + 1, i + 3);
  if (!HEX2.test(hex))
    return refuse(
      `invalid percent-encoding at offset ${i}: '%' must be followed by two hex digits (write a literal % as %25)`,
    );
  const byte = parseInt(hex, 16);
  const c = String.fromCharCode(byte);
  if (byte === 0x2f)
    return refuse(`encoded '/' (%${hex}) at offset ${i}: servers disagree on whether it separates segments; refused`);
  if (byte === 0x5c)
    return refuse(`encoded '\\' (%${hex}) at offset ${i}: some servers read it as a separator; refused`);
  if (byte < 0x20 || byte === 0x7f) return refuse(`encoded control character (%${hex}) at offset ${i}; refused`);
  return { text: UNRESERVED.test(c) ? c : `%${hex.toUpperCase()}`, byte };
}

/** Decodes unreserved escapes and validates every character and byte; returns the path before dot-segment removal. */
function decodeUnreserved(raw: string): string {
  let out = '';
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c === '%') {
      const e = escapeAt(raw, i);
      out += e.text;
      bytes.push(e.byte);
      i += 2;
    } else if (c === '\\')
      refuse(`'\\' at offset ${i}: some servers read it as '/'; send '/' (an encoded %5C is refused too)`);
    else if (c === ';')
      refuse(
        `';' at offset ${i}: some servers (Tomcat, Jetty, Spring) cut path parameters at ';' and others do not; send it as %3B`,
      );
    else if (!RAW_PATH_CHAR.test(c))
      refuse(`${show(c)} at offset ${i} is not allowed in a path; percent-encode it (RFC 3986 §3.3)`);
    else {
      out += c;
      bytes.push(c.charCodeAt(0));
    }
  }
  let text: string;
  try {
    text = utf8.decode(Uint8Array.from(bytes));
  } catch {
    return refuse('the decoded path is not valid UTF-8 (an overlong or truncated sequence such as %C0%AF); refused');
  }
  if (CONTROL.test(text)) refuse('the decoded path contains a control character (U+0080–U+009F); refused');
  // Checked on the output: `%25%36%31` becomes `%2561` only once the unreserved escapes are decoded.
  const twice = /%25[0-9A-Fa-f]{2}/.exec(out);
  if (twice)
    refuse(
      `'${twice[0]}' is a double encoding (an encoded '%' followed by hex digits), which servers that decode twice read as another character; refused`,
    );
  return out;
}

/** Collapses repeated slashes and removes dot segments; a trailing slash (or final dot segment) is kept as one `/`. */
function removeDotSegments(path: string): string[] {
  const parts = path.split('/');
  const out: string[] = [];
  for (const s of parts) {
    if (s === '..') out.pop();
    else if (s !== '' && s !== '.') out.push(s);
  }
  const last = parts[parts.length - 1];
  if (out.length > 0 && (last === '' || last === '.' || last === '..')) out.push('');
  return out;
}

function checkQuery(query: string): void {
  // Node refuses controls, spaces and raw non-ASCII in the target before we see it; '#' it lets through.
  const bad = /[^\x21-\x7e]|#/.exec(query);
  if (bad)
    refuse(`${show(bad[0])} in the query is not allowed; percent-encode it (a fragment is never sent to a server)`);
}

/** Normalizes `req.url` once, or says why it cannot be forwarded unambiguously (the gate answers 400). */
export function normalizeRequestTarget(target: string): RequestTarget {
  try {
    if (!target.startsWith('/')) refuseForm(target);
    const q = target.indexOf('?');
    const rawPath = q < 0 ? target : target.slice(0, q);
    const query = q < 0 ? '' : target.slice(q);
    checkQuery(query);
    const segments = removeDotSegments(decodeUnreserved(rawPath));
    const path = `/${segments.join('/')}`;
    return { ok: true, path, query, segments: segments.filter((s) => s !== '').map((s) => decodeURIComponent(s)) };
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, reason: e.message };
    throw e;
  }
}
