import { invalid } from '../../kernel/errors.js';
import { compareListingKeys, resourceCursor } from '../../store/listing-cursor.js';
import type { Page, ResourceListing, StoreRepos } from '../../store/store.js';
import type { ResourceFilter } from './resource-filter.js';
import { kindOf, RESOURCE_KINDS, type ArmResource, type ResourceKind } from './resource-kinds.js';
import { requireScope } from '../resource-base/scope-checks.js';

export interface ResourceQuery {
  subscriptionId: string;
  /** Omit to list the whole subscription. */
  resourceGroup?: string;
  filter: ResourceFilter;
  limit: number;
  /** The `next` of the previous page. */
  after?: string;
  /** Whether the caller may read this resource (RBAC); unreadable resources are left out, as in Azure. */
  canRead(r: ArmResource): Promise<boolean>;
}

/** How many rows one request reads at most while filtering, so a sparse match cannot make a page unbounded work. */
const SCAN_BUDGET = 5000;

/** One page of every kind merged into listing order: the first `limit` of them, and whether more exist. */
async function mergedPage(
  repos: StoreRepos,
  kinds: readonly ResourceKind[],
  where: ResourceListing & { type?: string },
  limit: number,
  after: string | undefined,
) {
  const pages = await Promise.all(kinds.map((k) => k.list(repos, where, limit, after)));
  const all = pages.flatMap((p) => p.items).sort(compareListingKeys);
  return { items: all.slice(0, limit), more: all.length > limit || pages.some((p) => p.next !== undefined) };
}

function kindsFor(type: string | undefined): readonly ResourceKind[] {
  if (type === undefined) return RESOURCE_KINDS;
  const kind = kindOf(type);
  return kind ? [kind] : [];
}

/**
 * Resources – List: every top-level resource of every kind in a subscription or group, in one
 * order (name, then id), filtered and cut to what the caller may read. A page holds up to `limit`
 * matches; `next` continues after the last resource read, so filtering never skips one.
 */
export async function listArmResources(repos: StoreRepos, q: ResourceQuery): Promise<Page<ArmResource>> {
  const group = q.resourceGroup ?? q.filter.resourceGroup;
  if (
    q.resourceGroup !== undefined &&
    q.filter.resourceGroup !== undefined &&
    q.resourceGroup.toLowerCase() !== q.filter.resourceGroup.toLowerCase()
  )
    return { items: [] };
  await requireScope(repos, q.subscriptionId, q.resourceGroup);
  const where = {
    subscriptionId: q.subscriptionId,
    ...(group !== undefined ? { resourceGroup: group } : {}),
    ...(q.filter.type !== undefined ? { type: q.filter.type } : {}),
  };
  const kinds = kindsFor(q.filter.type);
  const out: ArmResource[] = [];
  let after = q.after;
  for (let scanned = 0; kinds.length > 0;) {
    const { items, more } = await mergedPage(repos, kinds, where, q.limit, after);
    for (const [i, r] of items.entries()) {
      after = resourceCursor(r.name, r.id);
      if (q.filter.matches(r) && (await q.canRead(r))) out.push(r);
      if (out.length === q.limit) return more || i < items.length - 1 ? { items: out, next: after } : { items: out };
    }
    scanned += items.length;
    if (!more) break;
    if (scanned >= SCAN_BUDGET) return { items: out, next: after! };
  }
  return { items: out };
}

/** `$expand` of Resources – List: which of createdTime, changedTime, provisioningState to add. */
export function parseExpand(expand: string | null): Set<'createdTime' | 'changedTime' | 'provisioningState'> {
  const out = new Set<'createdTime' | 'changedTime' | 'provisioningState'>();
  for (const raw of (expand ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const known = (['createdTime', 'changedTime', 'provisioningState'] as const).find(
      (k) => k.toLowerCase() === raw.toLowerCase(),
    );
    if (!known)
      throw invalid(
        `$expand '${raw}' is not supported: use createdTime, changedTime and/or provisioningState, comma-separated.`,
        { code: 'InvalidExpandParameter', target: '$expand' },
      );
    out.add(known);
  }
  return out;
}
