/**
 * The OData `$filter` subset the Table service takes and `@azure/data-tables` sends
 * (learn.microsoft.com/rest/api/storageservices/querying-tables-and-entities): comparisons
 * eq/ne/gt/ge/lt/le between a property and a literal, joined by and/or/not and parentheses.
 * Literals: 'string' ('' escapes a quote), 32-bit ints, 64-bit ints (`123L`), doubles, true/false,
 * datetime'…', guid'…', X'…'/binary'…'. As in Azure, values of different types never match.
 */

export type EdmValue =
  | { t: 'string' | 'guid' | 'binary'; v: string }
  | { t: 'int' | 'double' | 'datetime'; v: number }
  | { t: 'int64'; v: bigint }
  | { t: 'bool'; v: boolean };

type Node =
  | { k: 'or' | 'and'; a: Node; b: Node }
  | { k: 'not'; a: Node }
  | { k: 'cmp'; op: string; l: Node; r: Node }
  | { k: 'prop'; name: string }
  | { k: 'lit'; value: EdmValue };

export type Filter = (get: (name: string) => EdmValue | undefined) => boolean;

export class FilterError extends Error {}

const TOKEN =
  /\s*(?:(\()|(\))|(datetime|guid|X|binary)'((?:[^']|'')*)'|'((?:[^']|'')*)'|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)([LlDdMmFf]?)|([A-Za-z_][A-Za-z0-9_]*))/y;

type Token = { kind: 'open' | 'close' | 'lit' | 'word'; text: string; value?: EdmValue };

function literal(prefix: string | undefined, body: string): EdmValue {
  const text = body.replace(/''/g, "'");
  if (prefix === undefined) return { t: 'string', v: text };
  if (prefix === 'datetime') {
    const ms = Date.parse(text);
    if (Number.isNaN(ms)) throw new FilterError(`Invalid datetime literal '${text}'.`);
    return { t: 'datetime', v: ms };
  }
  if (prefix === 'guid') return { t: 'guid', v: text.toLowerCase() };
  return { t: 'binary', v: Buffer.from(text, 'hex').toString('base64') };
}

function numberLiteral(digits: string, suffix: string): EdmValue {
  if (suffix === 'L' || suffix === 'l') return { t: 'int64', v: BigInt(digits) };
  const n = Number(digits);
  if (/^-?\d+$/.test(digits) && !suffix && Number.isInteger(n) && Math.abs(n) <= 2 ** 31) return { t: 'int', v: n };
  return { t: 'double', v: n };
}

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < src.length) {
    if (/^\s*$/.test(src.slice(TOKEN.lastIndex))) break;
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(src);
    if (!m) throw new FilterError(`Unexpected text at position ${at} of the filter.`);
    if (m[1]) out.push({ kind: 'open', text: '(' });
    else if (m[2]) out.push({ kind: 'close', text: ')' });
    else if (m[3]) out.push({ kind: 'lit', text: m[0], value: literal(m[3], m[4]!) });
    else if (m[5] !== undefined) out.push({ kind: 'lit', text: m[0], value: literal(undefined, m[5]) });
    else if (m[6]) out.push({ kind: 'lit', text: m[0], value: numberLiteral(m[6], m[7] ?? '') });
    else if (m[8] === 'true' || m[8] === 'false')
      out.push({ kind: 'lit', text: m[8], value: { t: 'bool', v: m[8] === 'true' } });
    else out.push({ kind: 'word', text: m[8]! });
  }
  return out;
}

const COMPARISONS = new Set(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  parse(): Node {
    const n = this.or();
    if (this.i < this.tokens.length) throw new FilterError(`Unexpected '${this.tokens[this.i]!.text}' in the filter.`);
    return n;
  }

  private word(w: string): boolean {
    const t = this.tokens[this.i];
    if (t?.kind !== 'word' || t.text !== w) return false;
    this.i++;
    return true;
  }

  private or(): Node {
    let a = this.and();
    while (this.word('or')) a = { k: 'or', a, b: this.and() };
    return a;
  }

  private and(): Node {
    let a = this.not();
    while (this.word('and')) a = { k: 'and', a, b: this.not() };
    return a;
  }

  private not(): Node {
    return this.word('not') ? { k: 'not', a: this.not() } : this.comparison();
  }

  private comparison(): Node {
    const l = this.primary();
    const t = this.tokens[this.i];
    if (t?.kind !== 'word' || !COMPARISONS.has(t.text)) return l;
    this.i++;
    return { k: 'cmp', op: t.text, l, r: this.primary() };
  }

  private primary(): Node {
    const t = this.tokens[this.i++];
    if (!t) throw new FilterError('The filter ends early.');
    if (t.kind === 'open') {
      const n = this.or();
      if (this.tokens[this.i++]?.kind !== 'close') throw new FilterError("A ')' is missing in the filter.");
      return n;
    }
    if (t.kind === 'lit') return { k: 'lit', value: t.value! };
    if (t.kind === 'word' && !COMPARISONS.has(t.text) && !['and', 'or', 'not'].includes(t.text))
      return { k: 'prop', name: t.text };
    throw new FilterError(`Unexpected '${t.text}' in the filter.`);
  }
}

/** -1/0/1, or undefined when the two values cannot be compared (different Edm types). */
function compare(a: EdmValue, b: EdmValue): number | undefined {
  const num = (x: EdmValue) => x.t === 'int' || x.t === 'double';
  if (num(a) && num(b)) return Math.sign((a.v as number) - (b.v as number));
  const big = (x: EdmValue) => (x.t === 'int64' ? x.v : x.t === 'int' ? BigInt(x.v) : undefined);
  if ((a.t === 'int64' || b.t === 'int64') && big(a) !== undefined && big(b) !== undefined) {
    const [x, y] = [big(a)!, big(b)!];
    return x < y ? -1 : x > y ? 1 : 0;
  }
  if (a.t !== b.t) return undefined;
  if (a.t === 'bool') return a.v === b.v ? 0 : undefined;
  const [x, y] = [a.v, b.v] as [string | number, string | number];
  return x < y ? -1 : x > y ? 1 : 0;
}

const TEST: Record<string, (c: number) => boolean> = {
  eq: (c) => c === 0,
  ne: (c) => c !== 0,
  gt: (c) => c > 0,
  ge: (c) => c >= 0,
  lt: (c) => c < 0,
  le: (c) => c <= 0,
};

function evaluate(n: Node, get: (name: string) => EdmValue | undefined): boolean {
  const value = (x: Node): EdmValue | undefined =>
    x.k === 'prop' ? get(x.name) : x.k === 'lit' ? x.value : { t: 'bool', v: evaluate(x, get) };
  switch (n.k) {
    case 'or':
      return evaluate(n.a, get) || evaluate(n.b, get);
    case 'and':
      return evaluate(n.a, get) && evaluate(n.b, get);
    case 'not':
      return !evaluate(n.a, get);
    case 'cmp': {
      const [l, r] = [value(n.l), value(n.r)];
      const c = l && r ? compare(l, r) : undefined;
      return c !== undefined && TEST[n.op]!(c);
    }
    default: {
      const v = value(n);
      return v?.t === 'bool' && v.v;
    }
  }
}

/** Parses once; throws FilterError on text outside the subset. */
export function parseFilter(src: string): Filter {
  const ast = new Parser(tokenize(src)).parse();
  return (get) => evaluate(ast, get);
}
