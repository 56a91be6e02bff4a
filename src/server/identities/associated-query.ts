import { invalid } from '../../kernel/errors.js';
import type { DomainErrorCode } from '../../kernel/error-codes.js';

/**
 * The query language of `POST …/userAssignedIdentities/{name}/listAssociatedResources`
 * (api-version 2022-01-31-preview): an OData subset for `$filter`, `$orderby`, `$top`, `$skip`
 * and `$skiptoken`. Pure functions; the route maps DomainError to the ARM envelope.
 */

export interface AssociatedResourceRow {
  id: string;
  name: string;
  type: string;
  resourceGroup: string;
  subscriptionId: string;
  subscriptionDisplayName: string;
}

export type AssociatedField = 'name' | 'type' | 'resourceGroup' | 'subscriptionId' | 'subscriptionDisplayName';

export type FilterExpr =
  | { kind: 'eq'; field: AssociatedField; value: string }
  | { kind: 'contains'; field: AssociatedField; value: string }
  | { kind: 'and'; left: FilterExpr; right: FilterExpr }
  | { kind: 'or'; left: FilterExpr; right: FilterExpr };

export interface OrderByClause {
  field: AssociatedField;
  direction: 'asc' | 'desc';
}

export interface AssociatedQuery {
  filter?: string;
  orderby?: string;
  top?: number;
  skip?: number;
  skiptoken?: string;
}

export interface AssociatedPage {
  value: AssociatedResourceRow[];
  totalCount: number;
  nextSkip?: number;
}

const FIELDS: readonly AssociatedField[] = [
  'name',
  'type',
  'resourceGroup',
  'subscriptionId',
  'subscriptionDisplayName',
];
const FIELD_LIST = FIELDS.join(', ');
export const DEFAULT_TOP = 50;
export const MAX_TOP = 1000;

// ---- lexer ---------------------------------------------------------------------------------

type TokenKind = 'lparen' | 'rparen' | 'comma' | 'string' | 'word' | 'end';
interface Token {
  kind: TokenKind;
  text: string;
  pos: number;
}

type Fail = (message: string) => never;

function lexString(src: string, start: number, fail: Fail): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    if (i >= src.length)
      fail(
        `unterminated string literal starting at position ${start}; close it with ' (write '' for a quote inside it)`,
      );
    if (src[i] !== "'") {
      value += src[i++];
    } else if (src[i + 1] === "'") {
      value += "'";
      i += 2;
    } else {
      return { value, end: i + 1 };
    }
  }
}

const PUNCT: Record<string, TokenKind> = { '(': 'lparen', ')': 'rparen', ',': 'comma' };

/** Words are maximal runs of anything that is not space, punctuation or a quote, so errors quote whole tokens. */
function tokenize(src: string, fail: Fail): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) i++;
    else if (PUNCT[c]) tokens.push({ kind: PUNCT[c], text: c, pos: i++ });
    else if (c === "'") {
      const s = lexString(src, i, fail);
      tokens.push({ kind: 'string', text: s.value, pos: i });
      i = s.end;
    } else {
      const m = /^[^\s(),']+/.exec(src.slice(i))!;
      tokens.push({ kind: 'word', text: m[0], pos: i });
      i += m[0].length;
    }
  }
  tokens.push({ kind: 'end', text: '', pos: src.length });
  return tokens;
}

// ---- parser --------------------------------------------------------------------------------

class Cursor {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    readonly fail: Fail,
    private readonly label: string,
  ) {}

  peek(): Token {
    return this.tokens[this.i]!;
  }
  next(): Token {
    return this.tokens[this.i++]!;
  }
  /** True (and consumed) when the next token is the keyword `kw`, compared case-insensitively. */
  keyword(kw: string): boolean {
    const t = this.peek();
    if (t.kind !== 'word' || t.text.toLowerCase() !== kw) return false;
    this.i++;
    return true;
  }
  expected(what: string): never {
    const t = this.peek();
    const found =
      t.kind === 'end' ? 'the end of the expression' : t.kind === 'string' ? `the string '${t.text}'` : `'${t.text}'`;
    return this.fail(`${this.label}: expected ${what} at position ${t.pos}, found ${found}`);
  }
  expect(kind: TokenKind, what: string): Token {
    if (this.peek().kind !== kind) this.expected(what);
    return this.next();
  }
  field(): AssociatedField {
    const t = this.peek();
    const f = t.kind === 'word' ? FIELDS.find((n) => n.toLowerCase() === t.text.toLowerCase()) : undefined;
    if (!f) this.expected(`a field name (${FIELD_LIST})`);
    this.next();
    return f;
  }
}

function failWith(code: DomainErrorCode, target: string): Fail {
  return (message) => {
    throw invalid(message, { code, target });
  };
}

function parseOr(c: Cursor): FilterExpr {
  let left = parseAnd(c);
  while (c.keyword('or')) left = { kind: 'or', left, right: parseAnd(c) };
  return left;
}

function parseAnd(c: Cursor): FilterExpr {
  let left = parsePrimary(c);
  while (c.keyword('and')) left = { kind: 'and', left, right: parsePrimary(c) };
  return left;
}

function parsePrimary(c: Cursor): FilterExpr {
  if (c.peek().kind === 'lparen') {
    c.next();
    const inner = parseOr(c);
    c.expect('rparen', "')'");
    return inner;
  }
  if (c.keyword('contains')) {
    c.expect('lparen', "'(' after contains");
    const field = c.field();
    c.expect('comma', "','");
    const value = c.expect('string', 'a string literal in single quotes').text;
    c.expect('rparen', "')'");
    return { kind: 'contains', field, value };
  }
  const field = c.field();
  if (!c.keyword('eq')) c.expected("'eq'");
  return { kind: 'eq', field, value: c.expect('string', 'a string literal in single quotes').text };
}

/** Parses an OData `$filter`: `field eq 'v'`, `contains(field, 'v')`, `and`, `or`, parentheses. */
export function parseFilter(text: string): FilterExpr {
  const fail = failWith('InvalidFilter', '$filter');
  const c = new Cursor(tokenize(text, fail), fail, '$filter');
  const expr = parseOr(c);
  if (c.peek().kind !== 'end') c.expected("'and', 'or' or the end of the expression");
  return expr;
}

/** Parses `$orderby`: comma-separated `field [asc|desc]`. */
export function parseOrderBy(text: string): OrderByClause[] {
  const fail = failWith('InvalidOrderBy', '$orderby');
  const c = new Cursor(tokenize(text, fail), fail, '$orderby');
  const clauses: OrderByClause[] = [];
  for (;;) {
    const field = c.field();
    const direction = c.keyword('desc') ? 'desc' : 'asc';
    if (direction === 'asc') c.keyword('asc');
    clauses.push({ field, direction });
    if (c.peek().kind !== 'comma') break;
    c.next();
  }
  if (c.peek().kind !== 'end') c.expected("'asc', 'desc', ',' or the end of the expression");
  return clauses;
}

// ---- evaluation ----------------------------------------------------------------------------

// Azure compares these values case-insensitively; lower-casing (not locale collation) keeps
// results identical on every host, which paging depends on.
const fold = (s: string) => s.toLowerCase();

export function matches(expr: FilterExpr, row: AssociatedResourceRow): boolean {
  switch (expr.kind) {
    case 'eq':
      return fold(row[expr.field]) === fold(expr.value);
    case 'contains':
      return fold(row[expr.field]).includes(fold(expr.value));
    case 'and':
      return matches(expr.left, row) && matches(expr.right, row);
    case 'or':
      return matches(expr.left, row) || matches(expr.right, row);
  }
}

function compareBy(clauses: OrderByClause[]): (a: AssociatedResourceRow, b: AssociatedResourceRow) => number {
  // The id tiebreaker makes the order total, so consecutive pages never repeat or skip a row.
  const keys: { field: keyof AssociatedResourceRow; direction: 'asc' | 'desc' }[] = [
    ...clauses,
    { field: 'id', direction: 'asc' },
  ];
  return (a, b) => {
    for (const { field, direction } of keys) {
      const x = fold(a[field]);
      const y = fold(b[field]);
      if (x !== y) return (x < y ? -1 : 1) * (direction === 'desc' ? -1 : 1);
    }
    return 0;
  };
}

function readTop(top: number | undefined): number {
  if (top === undefined) return DEFAULT_TOP;
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) {
    throw invalid(`$top must be a whole number from 1 to ${MAX_TOP}, got '${top}'`, {
      code: 'InvalidTop',
      target: '$top',
    });
  }
  return top;
}

function readOffset(q: AssociatedQuery): number {
  if (q.skiptoken !== undefined) {
    if (!/^\d{1,15}$/.test(q.skiptoken)) {
      throw invalid(
        `$skiptoken '${q.skiptoken}' is not one this server issued; use the nextLink of the previous page as it is`,
        { code: 'InvalidSkipToken', target: '$skiptoken' },
      );
    }
    return Number(q.skiptoken);
  }
  if (q.skip === undefined) return 0;
  if (!Number.isInteger(q.skip) || q.skip < 0) {
    throw invalid(`$skip must be a whole number of 0 or more, got '${q.skip}'`, {
      code: 'InvalidSkip',
      target: '$skip',
    });
  }
  return q.skip;
}

/** Filters, orders (default: name, then id), counts, then pages the rows. */
export function queryAssociated(rows: readonly AssociatedResourceRow[], q: AssociatedQuery = {}): AssociatedPage {
  // Validate every parameter before doing any work, so a bad $top is reported even with no rows.
  const filter = q.filter?.trim() ? parseFilter(q.filter) : undefined;
  const order = q.orderby?.trim() ? parseOrderBy(q.orderby) : [{ field: 'name' as const, direction: 'asc' as const }];
  const top = readTop(q.top);
  const offset = readOffset(q);
  const selected = filter ? rows.filter((r) => matches(filter, r)) : [...rows];
  selected.sort(compareBy(order));
  const value = selected.slice(offset, offset + top);
  const end = offset + value.length;
  return end < selected.length
    ? { value, totalCount: selected.length, nextSkip: end }
    : { value, totalCount: selected.length };
}
