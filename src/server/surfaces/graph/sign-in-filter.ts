import { FILTER_TIME_EXAMPLE, parseFilterTime } from '../../../kernel/filter-time.js';
import { GraphError } from './graph-errors.js';

/** Graph's sign-in categories (https://learn.microsoft.com/graph/api/resources/signin?view=graph-rest-beta). */
export const SIGN_IN_EVENT_TYPES = [
  'interactiveUser',
  'nonInteractiveUser',
  'servicePrincipal',
  'managedIdentity',
] as const;
export type SignInEventType = (typeof SIGN_IN_EVENT_TYPES)[number];

/** What a `$filter` on `/beta/auditLogs/signIns` asks for; times are inclusive epoch ms. */
export interface SignInFilter {
  eventType?: SignInEventType;
  servicePrincipalId?: string;
  appId?: string;
  from?: number;
  to?: number;
  errorCode?: { op: 'eq' | 'ne'; value: number };
}

/** Longer filters than any documented combination of the clauses below are refused, not parsed. */
export const MAX_FILTER_LENGTH = 2048;
const MAX_CLAUSES = 8;

export const SUPPORTED_FILTER =
  "an 'and' of: signInEventTypes/any(t: t eq 'managedIdentity'), servicePrincipalId eq '{id}', appId eq '{appId}', " +
  'createdDateTime ge|le|gt|lt {ISO 8601}, status/errorCode eq {number} or status/errorCode ne 0';

// OData string literals double a quote to escape it; `(?:[^']|'')*` cannot backtrack badly because
// its two branches never start with the same character.
const EVENT_TYPE = /^signInEventTypes\/any\(\s*([A-Za-z_]\w{0,30})\s*:\s*\1\s+eq\s+'([^']*)'\s*\)$/i;
const STRING_EQ = /^(servicePrincipalId|appId)\s+eq\s+'((?:[^']|'')*)'$/i;
const CREATED = /^createdDateTime\s+(ge|le|gt|lt)\s+(\S+)$/i;
const ERROR_CODE = /^status\/errorCode\s+(eq|ne)\s+(\d{1,10})$/i;
const AND = /\s+and\s+/iy;

/** Error messages quote at most 80 characters of what the caller sent (docs/audit.md). */
const quote = (s: string): string => (s.length > 80 ? `${s.slice(0, 80)}…` : s);

const unsupported = (clause: string, why = ''): GraphError =>
  new GraphError(
    'Request_UnsupportedQuery',
    `Unsupported filter clause '${quote(clause)}'${why}. openmi's sign-in log supports ${SUPPORTED_FILTER}.`,
  );

/** Splits at top-level ` and `: never inside a quoted literal or the any() lambda's parentheses. */
export function splitAnd(filter: string): string[] {
  const parts: string[] = [];
  let [start, depth, quoted] = [0, 0, false];
  for (let i = 0; i < filter.length; i++) {
    const c = filter[i]!;
    if (c === "'") quoted = !quoted;
    else if (!quoted && c === '(') depth++;
    else if (!quoted && c === ')' && --depth < 0) break;
    else if (!quoted && depth === 0 && /\s/.test(c)) {
      AND.lastIndex = i;
      const m = AND.exec(filter);
      if (m) {
        parts.push(filter.slice(start, i).trim());
        start = i + m[0].length;
        i = start - 1;
      }
    }
  }
  if (quoted || depth !== 0)
    throw new GraphError('BadRequest', `Invalid filter: unbalanced quotes or parentheses in '${quote(filter)}'.`);
  parts.push(filter.slice(start).trim());
  return parts;
}

function eventType(raw: string, clause: string): SignInEventType {
  const t = SIGN_IN_EVENT_TYPES.find((v) => v.toLowerCase() === raw.toLowerCase());
  if (!t) throw unsupported(clause, `: the sign-in event types are ${SIGN_IN_EVENT_TYPES.join(', ')}`);
  return t;
}

function time(raw: string, clause: string): number {
  const t = parseFilterTime(raw);
  if (t === undefined) throw unsupported(clause, `: createdDateTime takes ${FILTER_TIME_EXAMPLE}`);
  return t;
}

function once<K extends keyof SignInFilter>(f: SignInFilter, key: K, value: SignInFilter[K], clause: string): void {
  if (f[key] !== undefined) throw unsupported(clause, `: ${key} may appear once`);
  f[key] = value;
}

/** Adds one clause to `f`; throws Graph's 400 naming the clause when it is not in the supported subset. */
function addClause(f: SignInFilter, clause: string): void {
  let m = EVENT_TYPE.exec(clause);
  if (m) return once(f, 'eventType', eventType(m[2]!, clause), clause);
  if ((m = STRING_EQ.exec(clause))) {
    const key = m[1]!.toLowerCase() === 'appid' ? 'appId' : 'servicePrincipalId';
    return once(f, key, m[2]!.replace(/''/g, "'"), clause);
  }
  if ((m = CREATED.exec(clause))) {
    const [op, t] = [m[1]!.toLowerCase(), time(m[2]!, clause)];
    // Whole milliseconds: gt is ge the next one, lt le the previous one; several bounds intersect.
    if (op === 'ge' || op === 'gt') f.from = Math.max(f.from ?? -Infinity, op === 'gt' ? t + 1 : t);
    else f.to = Math.min(f.to ?? Infinity, op === 'lt' ? t - 1 : t);
    return;
  }
  if ((m = ERROR_CODE.exec(clause))) {
    const [op, value] = [m[1]!.toLowerCase() as 'eq' | 'ne', Number(m[2])];
    if (op === 'ne' && value !== 0) throw unsupported(clause, ': ne compares with 0 only');
    return once(f, 'errorCode', { op, value }, clause);
  }
  throw unsupported(clause);
}

/** Parses the documented subset of OData `$filter` for the sign-in log; absent or blank filters everything in. */
export function parseSignInFilter(raw: string | null): SignInFilter {
  const f: SignInFilter = {};
  if (raw === null || raw.trim() === '') return f;
  if (raw.length > MAX_FILTER_LENGTH)
    throw new GraphError(
      'BadRequest',
      `The $filter is ${raw.length} characters long; send at most ${MAX_FILTER_LENGTH}.`,
    );
  const clauses = splitAnd(raw.trim());
  if (clauses.length > MAX_CLAUSES)
    throw new GraphError('BadRequest', `The $filter has ${clauses.length} clauses; send at most ${MAX_CLAUSES}.`);
  for (const c of clauses) addClause(f, c);
  return f;
}
