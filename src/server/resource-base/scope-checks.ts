import { notFound } from '../../kernel/errors.js';
import type { StoreRepos } from '../../store/store.js';

/**
 * The subscription, and the resource group when given, must exist: ARM answers
 * SubscriptionNotFound / ResourceGroupNotFound before anything about the resource itself.
 */
export async function requireScope(repos: StoreRepos, subscriptionId: string, resourceGroup?: string): Promise<void> {
  if (!(await repos.subscriptions.get(subscriptionId))) {
    throw notFound(`The subscription '${subscriptionId}' could not be found.`, { code: 'SubscriptionNotFound' });
  }
  if (resourceGroup !== undefined && !(await repos.resourceGroups.get(subscriptionId, resourceGroup))) {
    throw notFound(
      `Resource group '${resourceGroup}' could not be found. Create it first (openmi group create -n ${resourceGroup}).`,
      { code: 'ResourceGroupNotFound' },
    );
  }
}

/** ARM's ResourceNotFound for a resource in a group, worded as Azure words it. */
export const resourceNotFound = (type: string, name: string, resourceGroup: string | undefined) =>
  notFound(`The Resource '${type}/${name}' under resource group '${resourceGroup}' was not found.`, {
    code: 'ResourceNotFound',
  });

/**
 * `found`, or the most specific NotFound: a missing subscription or group is named before the
 * resource itself, as ARM does.
 */
export async function requireResource<T>(
  repos: StoreRepos,
  a: { subscriptionId: string; resourceGroup: string; name: string },
  type: string,
  found: T | undefined,
): Promise<T> {
  if (found !== undefined) return found;
  await requireScope(repos, a.subscriptionId, a.resourceGroup);
  throw resourceNotFound(type, a.name, a.resourceGroup);
}
