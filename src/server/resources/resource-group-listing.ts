import type { Page } from '../../store/store.js';
import type { ResourceGroupRecord } from '../../store/records.js';

/** How many groups one request reads at most while filtering, so a sparse match cannot make a page unbounded work. */
const SCAN_BUDGET = 5000;

export interface ReadableGroupsQuery {
  /** One page of the subscription's groups in name order; `next` is the cursor after the last one. */
  list(limit: number, after?: string): Promise<Page<ResourceGroupRecord>>;
  /** Whether the caller may read this group (RBAC at the group's scope). */
  canRead(rg: ResourceGroupRecord): Promise<boolean>;
  limit: number;
  after?: string | undefined;
}

/**
 * Resource Groups – List for a caller without read on the whole subscription: only the groups it
 * may read, as Azure lists them ("list operations return only the resources the caller has access
 * to", https://learn.microsoft.com/azure/role-based-access-control/overview). A page holds up to
 * `limit` readable groups; `next` continues after the last group examined, so none is skipped.
 */
export async function listReadableGroups(q: ReadableGroupsQuery): Promise<Page<ResourceGroupRecord>> {
  const out: ResourceGroupRecord[] = [];
  let after = q.after;
  for (let scanned = 0; ;) {
    const p = await q.list(q.limit, after);
    for (const [i, rg] of p.items.entries()) {
      after = rg.name.toLowerCase();
      if (await q.canRead(rg)) out.push(rg);
      if (out.length === q.limit)
        return p.next !== undefined || i < p.items.length - 1 ? { items: out, next: after } : { items: out };
    }
    scanned += p.items.length;
    if (p.next === undefined) return { items: out };
    if (scanned >= SCAN_BUDGET) return { items: out, next: after! };
  }
}
