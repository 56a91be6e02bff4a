import { test } from 'node:test';
import assert from 'node:assert/strict';
import { timeOrderedUuid, type Random } from './ids.js';

const fixed = (fill: number): Random => ({ uuid: () => '', bytes: (n) => Buffer.alloc(n, fill) });
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

test('timeOrderedUuid is a version-7, RFC 9562-variant GUID carrying the milliseconds', () => {
  const at = Date.UTC(2026, 11, 7, 12, 0, 0, 123);
  const id = timeOrderedUuid(at, fixed(0xff));
  assert.match(id, GUID);
  assert.equal(parseInt(id.replace(/-/g, '').slice(0, 12), 16), at);
  assert.equal(id.slice(-12), 'ffffffffffff');
  assert.match(timeOrderedUuid(at, fixed(0)), GUID);
});

test('ids sort in time order, whatever their random bits', () => {
  const ids = [5, 1_000, 1_700_000_000_000, 1_700_000_000_001, 2 ** 47].map((ms, i) =>
    timeOrderedUuid(ms, fixed(255 - i * 40)),
  );
  assert.deepEqual([...ids].sort(), ids);
});

test('out-of-range times are clamped, never thrown on or wrapped', () => {
  assert.ok(timeOrderedUuid(-5).startsWith('00000000-0000-7'));
  assert.ok(timeOrderedUuid(Number.NaN).startsWith('00000000-0000-7'));
  assert.ok(timeOrderedUuid(2 ** 60).startsWith('ffffffff-ffff-7'));
});

test('two ids in the same millisecond differ', () => {
  const a = new Set(Array.from({ length: 1000 }, () => timeOrderedUuid(1_700_000_000_000)));
  assert.equal(a.size, 1000);
});
