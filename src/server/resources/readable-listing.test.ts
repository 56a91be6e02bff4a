import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareListingKeys, decodeCursor, resourceCursor } from '../../store/listing-cursor.js';
import type { Page } from '../../store/store.js';
import { listReadable } from './readable-listing.js';

type R = { id: string; name: string };

/** A keyset listing in the stores' order and cursor form, over `n` resources. */
function listing(n: number) {
  const all: R[] = Array.from({ length: n }, (_, i) => ({
    id: `/s/x/r${String(i).padStart(5, '0')}`,
    name: `R${String(i).padStart(5, '0')}`,
  }));
  all.sort(compareListingKeys);
  let reads = 0;
  const list = async (limit: number, after?: string): Promise<Page<R>> => {
    reads++;
    const key = after === undefined ? undefined : decodeCursor(after);
    const from = key === undefined ? 0 : all.findIndex((r) => compareListingKeys(r, { name: key[0], id: key[1] }) > 0);
    const start = from === -1 ? all.length : from;
    const items = all.slice(start, start + limit);
    const last = items[items.length - 1];
    return start + limit < all.length && last ? { items, next: resourceCursor(last.name, last.id) } : { items };
  };
  return { list, reads: () => reads };
}

describe('listReadable: a list cut to what the caller may read', () => {
  it('pages through readable items without skipping or repeating one', async () => {
    const { list } = listing(50);
    const canRead = async (r: R) => Number(r.name.slice(1)) % 7 === 0;
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const p = await listReadable({ list, canRead, limit: 3, after });
      assert.ok(p.items.length <= 3);
      seen.push(...p.items.map((r) => r.name));
      after = p.next;
    } while (after !== undefined);
    assert.deepEqual(seen, ['R00000', 'R00007', 'R00014', 'R00021', 'R00028', 'R00035', 'R00042', 'R00049']);
  });

  it('ends without a continuation when the last readable item is the last one', async () => {
    const { list } = listing(4);
    const p = await listReadable({ list, canRead: async (r) => r.name === 'R00003', limit: 1 });
    assert.deepEqual([p.items.map((r) => r.name), p.next], [['R00003'], undefined]);
  });

  it('stops after a bounded scan and continues where it stopped', async () => {
    const { list, reads } = listing(12_000);
    const p = await listReadable({ list, canRead: async () => false, limit: 100 });
    assert.deepEqual(p.items, []);
    assert.ok(p.next !== undefined, 'more remain to be examined');
    assert.equal(decodeCursor(p.next)[0], 'r04999');
    assert.equal(reads(), 50);
  });
});
