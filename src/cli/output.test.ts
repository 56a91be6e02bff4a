import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderTable } from './output.js';
import { parseTags, positiveInt, parseJsonObject } from './command-kit.js';

describe('renderTable', () => {
  it('renders 300,000 rows (the widths are a fold, not one argument per row)', () => {
    const rows = Array.from({ length: 300_000 }, (_, i) => ({ n: i }));
    const out = renderTable(rows, [{ header: 'n', get: (r) => r.n }]);
    assert.equal(out.split('\n').length, 300_000 + 3);
  });

  it('aligns columns under a rule, with no trailing blanks', () => {
    const out = renderTable(
      [
        { a: 'x', b: 1 },
        { a: 'longer', b: undefined },
      ],
      [
        { header: 'name', get: (r) => r.a },
        { header: 'n', get: (r) => r.b },
      ],
    );
    assert.equal(out, 'name    n\n------  -\nx       1\nlonger\n');
  });

  it('prints only the header for no rows', () => {
    assert.equal(renderTable([], [{ header: 'name', get: () => '' }]), 'name\n----\n');
  });
});

describe('argument parsing', () => {
  it('parses tags like az', () => {
    assert.deepEqual(parseTags(['a=1', 'b=x=y', 'c']), { a: '1', b: 'x=y', c: '' });
    assert.deepEqual(parseTags(['']), {});
    assert.equal(parseTags(undefined), undefined);
    assert.throws(() => parseTags(['=v']), /has no name/);
  });

  it('accepts only whole numbers ≥ 1 for --top', () => {
    assert.equal(positiveInt('5'), 5);
    for (const bad of ['0', '-1', '1.5', 'x', '']) assert.throws(() => positiveInt(bad));
  });

  it('requires --properties to be a JSON object', () => {
    assert.deepEqual(parseJsonObject('{"a":1}', '--properties'), { a: 1 });
    assert.throws(() => parseJsonObject('[1]', '--properties'), /must be a JSON object/);
    assert.throws(() => parseJsonObject('{', '--properties'), /not valid JSON/);
  });
});
