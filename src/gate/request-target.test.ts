import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { normalizeRequestTarget } from './request-target.js';

/** Inputs the gate forwards, and the one spelling it forwards them as. */
const NORMALIZED: [string, string][] = [
  ['/', '/'],
  ['/public/a', '/public/a'],
  ['//admin', '/admin'],
  ['//admin//x///', '/admin/x/'],
  ['/%61dmin', '/admin'],
  ['/%61DMIN/%7e%2D%5f', '/aDMIN/~-_'],
  ['/./admin', '/admin'],
  ['/public/./a/.', '/public/a/'],
  ['/public/../admin', '/admin'],
  ['/public/%2e%2e/admin', '/admin'],
  ['/public/%2E%2E/admin', '/admin'],
  ['/public/.%2e/admin', '/admin'],
  ['/public/%2e/admin', '/public/admin'],
  ['/../../admin', '/admin'],
  ['/public/..', '/'],
  ['/public//..//admin', '/admin'],
  ['/...', '/...'],
  ['/public/..a/b', '/public/..a/b'],
  ['/100%25/a%25%20b', '/100%25/a%25%20b'],
  ['/a%3bb', '/a%3Bb'],
  ['/caf%c3%a9', '/caf%C3%A9'],
  ['/%F0%9F%94%91', '/%F0%9F%94%91'],
  ["/a:b@c!$&'()*+,=", "/a:b@c!$&'()*+,="],
  ['/public/a?x=%2F&y=..%2f%00', '/public/a?x=%2F&y=..%2f%00'],
  ['/public/a?', '/public/a?'],
  ['/%70ublic//a?q=%2e%2e', '/public/a?q=%2e%2e'],
];

/** Inputs the gate refuses, and a word the reason must contain. */
const REFUSED: [string, RegExp][] = [
  ['/x/..%2fadmin/', /encoded '\/'/],
  ['/public/..%2fadmin%2f', /encoded '\/'/],
  ['/public/..%2Fadmin', /encoded '\/'/],
  ['/public/..%5cadmin', /encoded '\\'/],
  ['/\\admin', /'\\'/],
  ['/public\\..\\admin', /'\\'/],
  ['/admin%00', /control character/],
  ['/admin%0d%0aX-Injected:%201', /control character/],
  ['/admin%7f', /control character/],
  ['/admin%c2%85', /control character/],
  ['/ad%ZZmin', /invalid percent-encoding/],
  ['/admin%', /invalid percent-encoding/],
  ['/admin%4', /invalid percent-encoding/],
  ['/%u0061dmin', /invalid percent-encoding/],
  ['/%c0%af', /not valid UTF-8/],
  ['/%c0%ae%c0%ae/admin', /not valid UTF-8/],
  ['/%e0%80%af', /not valid UTF-8/],
  ['/%ed%a0%80', /not valid UTF-8/],
  ['/caf%c3', /not valid UTF-8/],
  ['/%ff', /not valid UTF-8/],
  ['/%2561dmin', /double encoding/],
  ['/%25%36%31dmin', /'%2561' is a double encoding/],
  ['/public/..%252fadmin', /double encoding/],
  ['/public/..;/admin', /';'/],
  ['/admin;jsessionid=1/x', /';'/],
  ['/a b', /not allowed in a path/],
  ['/a{b}', /not allowed in a path/],
  ['/a#frag', /not allowed in a path/],
  ['/caf\u00e9', /not allowed in a path/],
  ['/a\u0000', /not allowed in a path/],
  ['/a?x=\u0001', /in the query/],
  ['/a?x=1#frag', /in the query/],
  ['http://upstream/admin', /absolute form/],
  ['HTTP://upstream/admin', /absolute form/],
  ['upstream:80', /does not start with \//],
  ['admin', /does not start with \//],
  ['*', /asterisk form/],
  ['', /does not start with \//],
];

describe('normalizeRequestTarget', () => {
  for (const [input, expected] of NORMALIZED) {
    it(`forwards ${JSON.stringify(input)} as ${expected}`, () => {
      const t = normalizeRequestTarget(input);
      assert.ok(t.ok, JSON.stringify(t));
      assert.equal(t.path + t.query, expected);
    });
  }

  for (const [input, reason] of REFUSED) {
    it(`refuses ${JSON.stringify(input)}`, () => {
      const t = normalizeRequestTarget(input);
      assert.equal(t.ok, false, JSON.stringify(t));
      if (!t.ok) assert.match(t.reason, reason);
    });
  }

  it('matches rules against fully decoded segments', () => {
    const t = normalizeRequestTarget('/caf%C3%A9/%25x/a%3Bb/%25/');
    assert.ok(t.ok);
    assert.deepEqual(t.segments, ['café', '%x', 'a;b', '%']);
  });
});

// ------------------------------------------------------------ properties

/** Pieces that make tricky paths: separators, dots raw and encoded, escapes valid and not, case. */
const PIECES = [
  '/',
  '//',
  '.',
  '..',
  '%2e',
  '%2E',
  '%2e%2e',
  '%2f',
  '%2F',
  '%5c',
  '\\',
  ';',
  'a',
  'A',
  'admin',
  'ADMIN',
  'public',
  '%61',
  '%41',
  '%25',
  '%2561',
  '%00',
  '%',
  '%Z',
  '%c3%a9',
  '%c0%af',
  '%e2%82',
  ':',
  '@',
  '~',
  '-',
  '%3b',
  '%20',
  '?',
  'x=%2F',
  '#',
  ' ',
];
/** Pieces the gate forwards (after normalizing), so that most generated paths get through. */
const FORWARDABLE = [
  '/',
  '//',
  '.',
  '..',
  '%2e',
  '%2E',
  'a',
  'A',
  'admin',
  'public',
  '%61',
  '%41',
  '%25%20',
  '%c3%a9',
  ':',
  '@',
  '~',
  '-',
  '%3b',
  '%20',
];
const pathOf = (pieces: string[]) =>
  fc.array(fc.constantFrom(...pieces), { maxLength: 14 }).map((p) => `/${p.join('')}`);
const tricky = fc.oneof(pathOf(PIECES), pathOf(FORWARDABLE));

/** A reference built another way: decode unreserved escapes, collapse slashes, remove dot segments as RFC 3986 does. */
function reference(input: string): string {
  const decoded = input.replace(/%([0-9A-Fa-f]{2})/g, (e, h: string) => {
    const c = String.fromCharCode(parseInt(h, 16));
    return /[A-Za-z0-9\-._~]/.test(c) ? c : e.toUpperCase();
  });
  return removeDotSegments(decoded.replace(/\/+/g, '/'));
}

/**
 * RFC 3986 §5.2.4 as the RFC writes it, step by step. (WHATWG URL was the reference before; it keeps
 * the final `.` of `/a/.:/.`, a quirk of its own that RFC 3986 and the gate do not share.)
 */
function removeDotSegments(path: string): string {
  let input = path;
  const output: string[] = [];
  while (input !== '') {
    if (input.startsWith('../')) input = input.slice(3);
    else if (input.startsWith('./')) input = input.slice(2);
    else if (input.startsWith('/./')) input = input.slice(2);
    else if (input === '/.') input = '/';
    else if (input.startsWith('/../')) ((input = input.slice(3)), output.pop());
    else if (input === '/..') ((input = '/'), output.pop());
    else if (input === '.' || input === '..') input = '';
    else {
      const first = /^\/?[^/]*/.exec(input)![0];
      output.push(first);
      input = input.slice(first.length);
    }
  }
  return output.join('');
}

describe('normalizeRequestTarget (properties)', () => {
  it('is idempotent: the forwarded target normalizes to itself', () => {
    fc.assert(
      fc.property(tricky, (input) => {
        const t = normalizeRequestTarget(input);
        if (!t.ok) return;
        const again = normalizeRequestTarget(t.path + t.query);
        assert.ok(again.ok, `${input} -> ${t.path}${t.query} -> ${JSON.stringify(again)}`);
        assert.equal(again.path + again.query, t.path + t.query);
        assert.deepEqual(again.segments, t.segments);
      }),
      { numRuns: 5_000 },
    );
  });

  it('never forwards //, dot segments, encoded unreserved characters, backslashes or lower-case hex', () => {
    fc.assert(
      fc.property(tricky, (input) => {
        const t = normalizeRequestTarget(input);
        if (!t.ok) return;
        assert.doesNotMatch(
          t.path,
          /\/\/|\/\.\.?(\/|$)|\\|%(2[dDeE]|5[fF]|7[eE]|[46][1-9a-fA-F]|[57][0-9aA]|3[0-9])|%[0-9A-F]?[a-f]/,
          `${input} -> ${t.path}`,
        );
        assert.ok(t.path.startsWith('/'));
        for (const s of t.segments)
          assert.ok(s !== '' && s !== '.' && s !== '..' && !s.includes('/'), `${input}: segment ${JSON.stringify(s)}`);
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees with a reference (RFC 3986 §5.2.4 remove_dot_segments) on forwardable paths', () => {
    fc.assert(
      fc.property(pathOf(FORWARDABLE), (input) => {
        const t = normalizeRequestTarget(input);
        assert.ok(t.ok, `${input}: ${JSON.stringify(t)}`);
        assert.equal(t.path, reference(input), input);
      }),
      { numRuns: 5_000 },
    );
  });

  it('what is forwarded is what is matched: the segments are the forwarded path, decoded', () => {
    fc.assert(
      fc.property(tricky, (input) => {
        const t = normalizeRequestTarget(input);
        if (!t.ok) return;
        const fromPath = t.path
          .split('/')
          .filter(Boolean)
          .map((s) => decodeURIComponent(s));
        assert.deepEqual(t.segments, fromPath, input);
      }),
      { numRuns: 5_000 },
    );
  });
});
