/**
 * Bounds on what the audit logs store. Token requests are anonymous, and whatever a caller puts in
 * `client_id`, `scope`, a path or a header can reach a row: unbounded, 20 requests of 3 MiB grew the
 * store by 187 MiB (docs/security.md, finding 3). Rows are built in one place per log (signInAppend,
 * activityAppend), and both pass every string through here, so no caller can forget. The bounds
 * are listed in docs/audit.md.
 */

/** Longest stored value of each sign-in field, in UTF-16 code units (what JS counts as length). */
export const SIGN_IN_FIELD_BOUNDS = {
  correlationId: 200,
  principalId: 200,
  clientId: 200,
  identityResourceId: 1024,
  callingResourceId: 1024,
  agentId: 200,
  audience: 512,
  errorCode: 100,
  reason: 1024,
} as const;

/**
 * What one sign-in row costs at most in stored text (data, filter columns, hashes), as
 * docs/audit.md states: every field at its bound, every character 3 bytes in UTF-8.
 */
export const SIGN_IN_ROW_MAX_BYTES = 24 * 1024;
/**
 * The same for an anonymous refusal at the token endpoints, which has no principal, identity,
 * calling resource or agent, and whose correlation id is the caller's only if it is a short id.
 */
export const ANONYMOUS_ROW_MAX_BYTES = 8 * 1024;

/** Longest stored value of each activity field; every string inside `detail` gets DETAIL_STRING_BOUND. */
export const ACTIVITY_FIELD_BOUNDS = {
  operation: 256,
  resourceId: 2048,
  caller: 200,
  correlationId: 200,
} as const;
export const DETAIL_STRING_BOUND = 1024;
/** The canonical JSON of one event's `detail`, at most; a larger one is stored as its cut-off text. */
export const DETAIL_JSON_BOUND = 16 * 1024;
const DETAIL_DEPTH = 6;

/**
 * C0 and C1 controls, DEL, the Unicode line and paragraph separators and the bidi overrides:
 * they forge lines in text exports and terminals (`openmi signins list`) or reorder what an
 * operator reads, and PostgreSQL refuses NUL in text columns (one such row would fail its whole
 * group-commit batch).
 */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const neutralise = (s: string): string =>
  s.replace(CONTROLS, (c) => (c === '\t' || c === '\n' || c === '\r' ? ' ' : '\uFFFD'));

/**
 * A well-formed copy that owns its characters: the UTF-8 round trip turns lone surrogates (which
 * a JSON upload can carry, and which a cut can leave) into U+FFFD, so a key column holds exactly
 * the text that is hashed. And V8 represents `s.slice(…)` as a view of its parent, so without a
 * copy a cut 200-character client id could keep a 3 MiB request alive while its row waits.
 */
const detached = (s: string): string => Buffer.from(s, 'utf8').toString('utf8');

/**
 * `s` with controls neutralised and lone surrogates replaced, cut to `max` code units with a
 * marker that says how long it was. The result is at most `max` long and costs at most 3 bytes
 * per code unit as UTF-8 (and in JSON: escapes of `"` and `\` take 2).
 */
export function boundText(s: string, max: number): string {
  if (s.length <= max) return detached(neutralise(s));
  const marker = `…[cut, ${s.length} chars]`;
  return detached(neutralise(s.slice(0, Math.max(0, max - marker.length)))) + marker;
}

export const boundNullable = (s: string | null, max: number): string | null =>
  s === null ? null : boundText(String(s), max);

/** Every string in `v` bounded and depth limited; keys too, since callers may put input in them. */
function boundValue(v: unknown, depth: number): unknown {
  if (typeof v === 'string') return boundText(v, DETAIL_STRING_BOUND);
  if (v === null || typeof v !== 'object')
    return typeof v === 'number' || typeof v === 'boolean' ? v : v === undefined ? undefined : String(v);
  if (depth >= DETAIL_DEPTH) return '…[nested too deep]';
  if (Array.isArray(v)) return v.map((x) => boundValue(x, depth + 1));
  return Object.fromEntries(
    Object.entries(v as Record<string, unknown>).map(([k, x]) => [boundText(k, 200), boundValue(x, depth + 1)]),
  );
}

/**
 * A change's `detail`, bounded: strings and depth first, then the whole. A detail still larger
 * than DETAIL_JSON_BOUND is kept as the start of its JSON text, so the row says what it was.
 */
export function boundDetail(detail: Record<string, unknown>): Record<string, unknown> {
  const bounded = boundValue(detail, 0) as Record<string, unknown>;
  const json = JSON.stringify(bounded);
  return json.length <= DETAIL_JSON_BOUND ? bounded : { truncated: boundText(json, DETAIL_JSON_BOUND) };
}
