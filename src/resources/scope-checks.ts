import { notFound } from '../kernel/errors.js';
import type { StoreRepos } from '../store/store.js';

/**
 * The subscription, and the resource group when given, must exist: ARM answers
 * SubscriptionNotFound / ResourceGroupNotFound before anything about the resource itself.
 */
export async function requireScope(repos: StoreRepos, subscriptionId: string, resourceGroup?: string): Promise<void> {
  if (!(await repos.subscriptions.get(subscriptionId))) {
    throw notFound(`The subscription '${subscriptionId}' could not be found.`, { code: 'SubscriptionNotFound' });
  }
  if (resourceGroup !== undefined && !(await repos.resourceGroups.get(subscriptionId, resourceGroup))) {
    throw notFound(`Resource group '${resourceGroup}' could not be found. Create it first (openmi group create -n ${resourceGroup}).`, { code: 'ResourceGroupNotFound' });
  }
}
