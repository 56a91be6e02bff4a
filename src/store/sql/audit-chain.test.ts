import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson } from './audit-chain.js';

/** The definition canonicalJson must keep producing byte for byte: stored rows were hashed over it. */
const byReplacer = (value: unknown): string =>
  JSON.stringify(value, (_k, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );

describe('canonicalJson', () => {
  it('sorts keys at every level, as the sorting replacer did', () => {
    const cases: unknown[] = [
      { b: 1, a: 'x', c: null, d: undefined, e: [3, { z: 1, y: [{ q: 1, p: 2 }] }] },
      { 10: 'ten', 2: 'two', b: 'b', A: 'A', é: 1, '': 0 },
      JSON.parse('{"__proto__": {"x": 1}, "a": 1}'),
      { at: new Date(0), nested: { toJSON: () => ({ k: 2, j: 1 }) } },
      [{ b: 1, a: 2 }, 'text', 1.5, true, null],
      'plain',
      42,
      null,
    ];
    for (const c of cases) assert.equal(canonicalJson(c), byReplacer(c));
  });

  it('gives one text for objects that differ only in key order', () => {
    assert.equal(canonicalJson({ a: 1, b: { d: 1, c: 2 } }), canonicalJson({ b: { c: 2, d: 1 }, a: 1 }));
  });
});
