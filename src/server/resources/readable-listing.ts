import { resourceCursor } from '../../store/listing-cursor.js';
import type { Page } from '../../store/store.js';

/** How many resources one request examines at most while filtering, so a sparse match cannot make a page unbounded work. */
const SCAN_BUDGET = 5000;

export interface ReadableQuery<T extends { id: string; name: string }> {
  /** One page of the listing in its (name, id) order; `next` continues after the last item. */
  list(limit: number, after?: string): Promise<Page<T>>;
  /** Whether the caller may read this resource (RBAC at the resource's own scope). */
  canRead(r: T): Promise<boolean>;
  limit: number;
  after?: string | undefined;
}

/**
 * A list cut to what the caller may read, for a caller without read over the whole listed scope:
 * Azure's list operations "return only the resources the caller has access to"
 * (https://learn.microsoft.com/azure/role-based-access-control/overview). A page holds up to
 * `limit` readable resources; `next` continues after the last one examined (the store's own
 * cursor form, docs in store/listing-cursor.ts), so none is skipped and none repeated.
 */
export async function listReadable<T extends { id: string; name: string }>(q: ReadableQuery<T>): Promise<Page<T>> {
  const out: T[] = [];
  let after = q.after;
  for (let scanned = 0; ;) {
    const p = await q.list(q.limit, after);
    for (const [i, r] of p.items.entries()) {
      after = resourceCursor(r.name, r.id);
      if (await q.canRead(r)) out.push(r);
      if (out.length === q.limit)
        return p.next !== undefined || i < p.items.length - 1 ? { items: out, next: after } : { items: out };
    }
    scanned += p.items.length;
    if (p.next === undefined) return { items: out };
    if (scanned >= SCAN_BUDGET) return { items: out, next: after! };
  }
}
