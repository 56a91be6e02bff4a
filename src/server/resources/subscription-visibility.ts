import type { SubscriptionRecord } from '../../store/records.js';
import type { Store } from '../../store/store.js';

/**
 * The subscriptions a principal can see, as Azure lists them: those where it holds any role
 * assignment — at the root, on the subscription, or anywhere inside it. Listing needs no role
 * (`az login --identity` lists subscriptions before it knows anything else).
 */
export async function visibleSubscriptions(store: Store, principalId: string): Promise<SubscriptionRecord[]> {
  const scopes = (await store.roleAssignments.listForPrincipal(principalId)).map((a) => a.scope.toLowerCase());
  const all = await store.subscriptions.list();
  if (scopes.includes('/')) return all;
  return all.filter((s) => {
    const root = `/subscriptions/${s.id.toLowerCase()}`;
    return scopes.some((scope) => scope === root || scope.startsWith(`${root}/`));
  });
}
