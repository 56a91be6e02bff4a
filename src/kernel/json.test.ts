import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { JsonDepthError, MAX_JSON_DEPTH, parseJson, stringEnd } from './json.js';

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

describe('stringEnd', () => {
  it('finds the quote that closes a string, past escaped quotes and runs of backslashes', () => {
    const cases: [string, number][] = [
      ['"abc" ', 4],
      ['"a\\"b" ', 5],
      ['"a\\\\" ', 4],
      ['"a\\\\\\"b" ', 7],
      ['"\\\\\\\\"', 5],
      ['"open', 5],
    ];
    for (const [text, end] of cases) assert.equal(stringEnd(text, 0), end, text);
  });
  it('depth is counted outside strings only, whatever they contain', () => {
    const inString = `{"a":"${'['.repeat(MAX_JSON_DEPTH + 5)}\\"${'{'.repeat(MAX_JSON_DEPTH + 5)}"}`;
    assert.deepEqual(Object.keys(parseJson(inString) as object), ['a']);
    assert.throws(() => parseJson(`{"a\\"":${'['.repeat(MAX_JSON_DEPTH + 1)}`), JsonDepthError);
  });
});
