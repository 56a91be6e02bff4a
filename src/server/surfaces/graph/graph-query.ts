import type { GroupFilter } from '../../../store/store.js';
import { GraphError } from './graph-errors.js';

/** Graph's default and largest `$top` for groups (https://learn.microsoft.com/graph/paging). */
const DEFAULT_TOP = 100;
const MAX_TOP = 999;

const QUOTED = "'((?:[^']|'')*)'";
const EQ = new RegExp(`^(displayName|mailNickname)\\s+eq\\s+${QUOTED}$`, 'i');
const STARTS = new RegExp(`^startswith\\(\\s*displayName\\s*,\\s*${QUOTED}\\s*\\)$`, 'i');
const unquote = (v: string): string => v.replace(/''/g, "'");

export interface GroupQuery {
  filter: GroupFilter;
  /** Compared after the store's filter: the Azure CLI sends it with `displayName eq` (az ad group create). */
  mailNickname?: string;
}

const UNSUPPORTED = (f: string) =>
  new GraphError(
    'Request_UnsupportedQuery',
    `Unsupported query '${f}': openmi filters groups on displayName eq '…', startswith(displayName,'…') and mailNickname eq '…', joined by 'and'.`,
  );

/** `$filter` for groups: `displayName eq`, `startswith(displayName, …)`, `mailNickname eq`, joined by `and`. */
export function parseGroupFilter(text: string | null): GroupQuery {
  const q: GroupQuery = { filter: {} };
  if (text === null || text.trim() === '') return q;
  for (const clause of text.trim().split(/\s+and\s+(?=(?:[^']*'[^']*')*[^']*$)/i)) {
    const eq = EQ.exec(clause.trim());
    const starts = STARTS.exec(clause.trim());
    if (eq && eq[1]!.toLowerCase() === 'displayname' && !q.filter.displayNameEq && !q.filter.displayNameStartsWith)
      q.filter = { displayNameEq: unquote(eq[2]!) };
    else if (eq && eq[1]!.toLowerCase() === 'mailnickname' && q.mailNickname === undefined)
      q.mailNickname = unquote(eq[2]!);
    else if (starts && !q.filter.displayNameEq && !q.filter.displayNameStartsWith)
      q.filter = { displayNameStartsWith: unquote(starts[1]!) };
    else throw UNSUPPORTED(text);
  }
  return q;
}

export function parseTop(text: string | null): number {
  if (text === null) return DEFAULT_TOP;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_TOP)
    throw new GraphError(
      'Request_BadRequest',
      `Invalid page size specified: '${text}'. Must be between 1 and ${MAX_TOP} inclusive.`,
    );
  return n;
}

/** `$select=a,b`: only those properties (and the annotations), case-insensitively, as Graph does. */
export function applySelect<T extends Record<string, unknown>>(obj: T, select: string | null): Partial<T> {
  if (select === null || select.trim() === '') return obj;
  const wanted = new Set(select.split(',').map((f) => f.trim().toLowerCase()));
  return Object.fromEntries(
    Object.entries(obj).filter(([k]) => k.startsWith('@odata.') || wanted.has(k.toLowerCase())),
  ) as Partial<T>;
}
