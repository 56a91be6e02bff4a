import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FilterError, parseFilter, type EdmValue } from './odata-filter.js';

const row: Record<string, EdmValue> = {
  PartitionKey: { t: 'string', v: 'p1' },
  name: { t: 'string', v: "o'neil" },
  n: { t: 'int', v: 5 },
  ratio: { t: 'double', v: 1.5 },
  big: { t: 'int64', v: 9007199254740993n },
  ok: { t: 'bool', v: true },
  when: { t: 'datetime', v: Date.parse('2026-01-02T03:04:05Z') },
  id: { t: 'guid', v: '6f1a1c2e-0000-4000-8000-000000000001' },
};
const matches = (f: string) => parseFilter(f)((name) => row[name]);

describe('OData $filter subset', () => {
  it('compares each literal type the SDK sends', () => {
    assert.ok(matches("name eq 'o''neil'"));
    assert.ok(matches('n eq 5 and n ge 5 and n le 5 and n gt 4 and n lt 6 and n ne 6'));
    assert.ok(matches('ratio gt 1.25 and ratio lt 2'));
    assert.ok(matches('big eq 9007199254740993L and big gt 9007199254740992L'));
    assert.ok(matches('ok eq true and not (ok eq false)'));
    assert.ok(matches("when ge datetime'2026-01-02T03:04:05.000Z' and when lt datetime'2026-01-03T00:00:00Z'"));
    assert.ok(matches("id eq guid'6F1A1C2E-0000-4000-8000-000000000001'"));
  });

  it('gives and precedence over or, honours parentheses and not', () => {
    assert.ok(matches("n eq 1 and n eq 2 or PartitionKey eq 'p1'"));
    assert.ok(!matches("n eq 1 and (n eq 2 or PartitionKey eq 'p1')"));
    assert.ok(!matches("not PartitionKey eq 'p1'"));
  });

  it('never matches across types or on a missing property, ne included', () => {
    assert.ok(!matches("n eq '5'"));
    assert.ok(!matches('name eq 5'));
    assert.ok(!matches("missing eq 'x'"));
    assert.ok(!matches("missing ne 'x'"));
  });

  it('refuses text outside the subset', () => {
    for (const bad of ['n eq', "startswith(name, 'o')", 'n eq 5 )', "name eq 'open", 'n add 1'])
      assert.throws(() => parseFilter(bad), FilterError, bad);
  });
});
