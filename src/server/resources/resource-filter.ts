import { invalid } from '../../kernel/errors.js';
import { normalizeLocation } from '../resource-base/locations.js';
import type { ArmResource } from './resource-kinds.js';

/**
 * The `$filter` of Resources – List (learn.microsoft.com/rest/api/resources/resources/list):
 * `eq`/`ne` on name, resourceGroup, resourceType, location and identity/principalId;
 * `substringof('x', name|resourceGroup)`; `tagName eq 'k' [and tagValue eq 'v']` and
 * `startswith(tagName, 'k')`; combined with `and`, `or` and parentheses. Keywords and property
 * names are case-insensitive (the Azure CLI sends `tagname`); so are values, except tag values.
 */
export type ResourcePredicate = (r: ArmResource) => boolean;

export interface ResourceFilter {
  matches: ResourcePredicate;
  /** Set when every match must have this type or group (an `eq` at the top level): the listing reads only that. */
  type?: string;
  resourceGroup?: string;
}

type Token = { kind: 'word' | 'string' | 'punct'; text: string };

const SUPPORTED =
  "name, resourceGroup, resourceType, location or identity/principalId with eq/ne, substringof('text', name|resourceGroup), tagName eq 'k' [and tagValue eq 'v'], startswith(tagName, 'prefix'), joined by and/or";

const bad = (filter: string, why: string) =>
  invalid(`The $filter '${filter}' is not supported: ${why}. openmi supports ${SUPPORTED}.`, {
    code: 'InvalidFilterInQueryString',
    target: '$filter',
  });

function tokenize(filter: string): Token[] {
  const out: Token[] = [];
  const re = /\s*(?:'((?:[^']|'')*)'|([(),])|([A-Za-z_][\w./]*))/y;
  let i = 0;
  while (i < filter.length) {
    if (/^\s*$/.test(filter.slice(i))) break;
    re.lastIndex = i;
    const m = re.exec(filter);
    if (!m) throw bad(filter, `cannot read it from '${filter.slice(i).trim()}'`);
    if (m[1] !== undefined) out.push({ kind: 'string', text: m[1].replace(/''/g, "'") });
    else if (m[2] !== undefined) out.push({ kind: 'punct', text: m[2] });
    else out.push({ kind: 'word', text: m[3]! });
    i = re.lastIndex;
  }
  return out;
}

const ci = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();

/** Values a comparison reads from a resource, keyed by lower-cased property name. */
const PROPERTIES: Record<string, (r: ArmResource) => string[]> = {
  name: (r) => [r.name],
  resourcegroup: (r) => [r.resourceGroup],
  resourcetype: (r) => [r.type],
  location: (r) => [normalizeLocation(r.location)],
  'identity/principalid': (r) => (r.identity?.systemPrincipalId ? [r.identity.systemPrincipalId] : []),
};

/** A comparison node; tag comparisons stay symbolic so `tagName … and tagValue …` can pair up. */
type Node =
  | { op: 'and'; left: Node; right: Node }
  | { op: 'or'; left: Node; right: Node }
  | { op: 'tagName' | 'tagValue' | 'tagPrefix'; value: string; negate: boolean }
  | { op: 'test'; test: ResourcePredicate; pin?: { key: 'type' | 'resourceGroup'; value: string } };

class Parser {
  private i = 0;
  constructor(
    private readonly filter: string,
    private readonly tokens: Token[],
  ) {}

  parse(): Node {
    const n = this.or();
    if (this.i < this.tokens.length) throw bad(this.filter, `unexpected '${this.tokens[this.i]!.text}'`);
    return n;
  }

  private or(): Node {
    let left = this.and();
    while (this.keyword('or')) left = { op: 'or', left, right: this.and() };
    return left;
  }

  private and(): Node {
    let left = this.primary();
    while (this.keyword('and')) left = { op: 'and', left, right: this.primary() };
    return left;
  }

  private primary(): Node {
    if (this.punct('(')) {
      const n = this.or();
      this.expect(')');
      return n;
    }
    const word = this.next('word').text;
    if (ci(word, 'substringof')) return this.substringof();
    if (ci(word, 'startswith')) return this.startswith();
    const op = this.next('word').text.toLowerCase();
    if (op !== 'eq' && op !== 'ne') throw bad(this.filter, `'${op}' is not an operator here; use eq or ne`);
    const value = this.next('string').text;
    return comparison(this.filter, word, value, op === 'ne');
  }

  private substringof(): Node {
    this.expect('(');
    const text = this.next('string').text.toLowerCase();
    this.expect(',');
    const prop = this.next('word').text.toLowerCase();
    this.expect(')');
    if (prop !== 'name' && prop !== 'resourcegroup')
      throw bad(this.filter, `substringof() works on name and resourceGroup, not '${prop}'`);
    const read = PROPERTIES[prop]!;
    return { op: 'test', test: (r) => read(r).some((v) => v.toLowerCase().includes(text)) };
  }

  private startswith(): Node {
    this.expect('(');
    const prop = this.next('word').text;
    this.expect(',');
    const value = this.next('string').text;
    this.expect(')');
    if (!ci(prop, 'tagName')) throw bad(this.filter, `startswith() works on tagName only, not '${prop}'`);
    return { op: 'tagPrefix', value, negate: false };
  }

  private keyword(k: string): boolean {
    const t = this.tokens[this.i];
    if (t?.kind !== 'word' || !ci(t.text, k)) return false;
    this.i++;
    return true;
  }

  private punct(p: string): boolean {
    const t = this.tokens[this.i];
    if (t?.kind !== 'punct' || t.text !== p) return false;
    this.i++;
    return true;
  }

  private expect(p: string): void {
    if (!this.punct(p)) throw bad(this.filter, `expected '${p}'`);
  }

  private next(kind: Token['kind']): Token {
    const t = this.tokens[this.i++];
    if (t?.kind !== kind) throw bad(this.filter, t ? `unexpected '${t.text}'` : 'it ends too early');
    return t;
  }
}

function comparison(filter: string, property: string, value: string, negate: boolean): Node {
  const prop = property.toLowerCase();
  if (prop === 'tagname') return { op: 'tagName', value, negate };
  if (prop === 'tagvalue') return { op: 'tagValue', value, negate };
  const read = PROPERTIES[prop];
  if (!read) throw bad(filter, `'${property}' cannot be filtered on`);
  const want = prop === 'location' ? normalizeLocation(value) : value;
  const test: ResourcePredicate = (r) => read(r).some((v) => ci(v, want)) !== negate;
  const pinKey = prop === 'resourcetype' ? 'type' : prop === 'resourcegroup' ? 'resourceGroup' : undefined;
  return pinKey && !negate ? { op: 'test', test, pin: { key: pinKey, value } } : { op: 'test', test };
}

/** The conjuncts of a top-level `and` chain. */
function conjuncts(n: Node): Node[] {
  return n.op === 'and' ? [...conjuncts(n.left), ...conjuncts(n.right)] : [n];
}

const tagTest =
  (name: string | undefined, value: string | undefined, prefix = false): ResourcePredicate =>
  (r) =>
    Object.entries(r.tags).some(
      ([k, v]) =>
        (name === undefined || (prefix ? k.toLowerCase().startsWith(name.toLowerCase()) : ci(k, name))) &&
        (value === undefined || v === value),
    );

/** Compiles a node; within one `and` chain a tagName and a tagValue mean one tag with that name and value. */
function compile(n: Node): ResourcePredicate {
  if (n.op === 'or') {
    const [l, r] = [compile(n.left), compile(n.right)];
    return (x) => l(x) || r(x);
  }
  if (n.op === 'test') return n.test;
  if (n.op !== 'and') return single(n);
  const parts = conjuncts(n);
  const name = parts.find((p) => p.op === 'tagName' && !p.negate) as { value: string } | undefined;
  const value = parts.find((p) => p.op === 'tagValue' && !p.negate) as { value: string } | undefined;
  const rest = parts.filter((p) => !(name && p === name) && !(value && p === value)).map(compile);
  if (name || value) rest.push(tagTest(name?.value, value?.value));
  return (x) => rest.every((t) => t(x));
}

function single(n: Extract<Node, { op: 'tagName' | 'tagValue' | 'tagPrefix' }>): ResourcePredicate {
  const test =
    n.op === 'tagName'
      ? tagTest(n.value, undefined)
      : n.op === 'tagValue'
        ? tagTest(undefined, n.value)
        : tagTest(n.value, undefined, true);
  return n.negate ? (r) => !test(r) : test;
}

/** Parses `$filter`; an absent or empty filter matches everything. */
export function parseResourceFilter(filter: string | null): ResourceFilter {
  if (filter === null || filter.trim() === '') return { matches: () => true };
  const tree = new Parser(filter, tokenize(filter)).parse();
  const out: ResourceFilter = { matches: compile(tree) };
  for (const c of conjuncts(tree)) {
    if (c.op === 'test' && c.pin) out[c.pin.key] = c.pin.value;
  }
  return out;
}
