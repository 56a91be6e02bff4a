import { scopeSegments } from './scope.js';

/**
 * Whether the first `n` segments of a scope end at something a role can be assigned to: the root,
 * a subscription, a resource group, a resource (providers/NS/type/name, then type/name pairs of
 * child resources), or a management group (providers/Microsoft.Management/managementGroups/id).
 * https://learn.microsoft.com/azure/role-based-access-control/scope-overview
 */
function atBoundary(segments: readonly string[], n: number): boolean {
  if (n === 0) return true;
  if (segments[0] === 'subscriptions')
    return n === 2 || n === 4 || (n >= 8 && n % 2 === 0 && segments[4] === 'providers');
  if (segments[0] === 'providers') return n >= 4 && n % 2 === 0;
  return false;
}

/**
 * The narrowest scope covering every one of `scopes`: their longest common prefix of segments,
 * cut back to an assignable boundary, in the casing of the first scope given.
 */
export function narrowestScope(scopes: readonly string[]): string {
  if (scopes.length === 0) return '/';
  const all = scopes.map(scopeSegments);
  const first = all[0]!;
  let n = 0;
  while (n < first.length && all.every((s) => s[n] === first[n])) n++;
  while (!atBoundary(first, n)) n--;
  if (n === 0) return '/';
  // Keep the caller's casing: segment i of the original (repeated or trailing slashes dropped).
  const original = scopes[0]!.split('/').filter((s) => s !== '');
  return `/${original.slice(0, n).join('/')}`;
}
