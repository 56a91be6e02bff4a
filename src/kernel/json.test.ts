import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonDepthError, MAX_JSON_DEPTH, parseJson } from './json.js';

describe('parseJson', () => {
  it('parses documents up to the depth bound, refuses deeper ones with a SyntaxError', () => {
    const nested = (d: number) => '['.repeat(d) + ']'.repeat(d);
    assert.deepEqual(parseJson('{"a":[1,{"b":"c"}]}'), { a: [1, { b: 'c' }] });
    assert.doesNotThrow(() => parseJson(nested(MAX_JSON_DEPTH)));
    assert.throws(
      () => parseJson(nested(MAX_JSON_DEPTH + 1)),
      (e: unknown) => e instanceof JsonDepthError && e instanceof SyntaxError,
    );
    assert.throws(() => parseJson(`{"a":${nested(100_000)}}`), JsonDepthError);
  });

  it('brackets inside strings, escaped quotes included, do not count', () => {
    assert.deepEqual(parseJson(JSON.stringify({ s: '['.repeat(1000) + '\\"{'.repeat(100) })), {
      s: '['.repeat(1000) + '\\"{'.repeat(100),
    });
  });
});
