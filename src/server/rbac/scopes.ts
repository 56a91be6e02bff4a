import { invalid } from '../../kernel/errors.js';
import { computeType } from '../../wire/compute-types.js';
import { requireScope, resourceNotFound } from '../resource-base/scope-checks.js';
import { UAI_TYPE } from '../identities/user-assigned.js';
import type { StoreRepos } from '../../store/store.js';

/** An RBAC scope, parsed (https://learn.microsoft.com/azure/role-based-access-control/scope-overview). */
export interface ParsedScope {
  kind: 'root' | 'subscription' | 'resourceGroup' | 'resource';
  subscriptionId?: string;
  resourceGroup?: string;
  /** For resources: the top-level resource's `Namespace/type` and id (child scopes hang below it). */
  topType?: string;
  topId?: string;
}

const eq = (a: string | undefined, b: string) => a !== undefined && a.toLowerCase() === b;

/** `/` plus the segments with no empty ones and no trailing slash: how scopes are stored and returned. */
export function normalizeScope(scope: string): string {
  const segs = scope.split('/').filter(Boolean);
  return segs.length === 0 ? '/' : `/${segs.join('/')}`;
}

/** True when `ancestor` is `scope` or one of its parents, comparing whole segments case-insensitively. */
export function isAtOrAbove(ancestor: string, scope: string): boolean {
  const a = normalizeScope(ancestor).toLowerCase();
  const s = normalizeScope(scope).toLowerCase();
  return a === '/' || s === a || s.startsWith(`${a}/`);
}

/** `{providers ns (type name)+}+`: the resource part of a scope below a resource group or subscription. */
function validProviderBlocks(rest: string[]): boolean {
  let i = 0;
  if (rest.length === 0) return false;
  while (i < rest.length) {
    if (!eq(rest[i], 'providers') || rest.length < i + 4) return false;
    i += 2;
    let pairs = 0;
    while (i + 1 < rest.length && !eq(rest[i], 'providers')) {
      i += 2;
      pairs++;
    }
    if (pairs === 0 || (i < rest.length && !eq(rest[i], 'providers'))) return false;
  }
  return true;
}

const invalidScope = (scope: string) =>
  invalid(
    `The scope '${scope}' is not valid. Use '/', '/subscriptions/{id}', '/subscriptions/{id}/resourceGroups/{name}' or a resource id below them.`,
    { code: 'InvalidScope', target: 'scope' },
  );

/** Parses a scope; InvalidScope (400) when it is not one ARM knows (management groups are not hosted by openmi). */
export function parseScope(scope: string): ParsedScope {
  const s = scope.split('/').filter(Boolean);
  if (s.length === 0) return { kind: 'root' };
  if (!eq(s[0], 'subscriptions') || s.length < 2) throw invalidScope(scope);
  const subscriptionId = s[1]!;
  if (s.length === 2) return { kind: 'subscription', subscriptionId };
  if (!eq(s[2], 'resourcegroups')) {
    if (validProviderBlocks(s.slice(2))) return { kind: 'resource', subscriptionId };
    throw invalidScope(scope);
  }
  if (s.length < 4) throw invalidScope(scope);
  const resourceGroup = s[3]!;
  if (s.length === 4) return { kind: 'resourceGroup', subscriptionId, resourceGroup };
  if (!validProviderBlocks(s.slice(4))) throw invalidScope(scope);
  return {
    kind: 'resource',
    subscriptionId,
    resourceGroup,
    topType: `${s[5]}/${s[6]}`,
    topId: `/${s.slice(0, 8).join('/')}`,
  };
}

/**
 * The scope must exist: its subscription, resource group and, for resource types openmi hosts
 * (user-assigned identities, compute), the top-level resource. Types openmi does not host as ARM
 * resources (storage accounts, vaults served by data planes) are accepted: they exist outside the store.
 */
export async function requireScopeExists(repos: StoreRepos, scope: string): Promise<ParsedScope> {
  const p = parseScope(scope);
  if (p.kind === 'root') return p;
  await requireScope(repos, p.subscriptionId!, p.resourceGroup);
  if (p.topType === undefined || p.topId === undefined) return p;
  if (!(await topResourceExists(repos, p.topType, p.topId))) {
    throw resourceNotFound(p.topType, p.topId.split('/').pop()!, p.resourceGroup);
  }
  return p;
}

async function topResourceExists(repos: StoreRepos, type: string, id: string): Promise<boolean> {
  if (type.toLowerCase() === UAI_TYPE.toLowerCase()) return (await repos.identities.get(id)) !== undefined;
  if (computeType(type)) return (await repos.computeResources.get(id)) !== undefined;
  return true;
}

/** `/subscriptions/{id}` of a scope, or '' for the root: where role definition ids are reported (docs/wire/arm.md). */
export function subscriptionPrefix(scope: string): string {
  const m = /^\/subscriptions\/([^/]+)/i.exec(normalizeScope(scope));
  return m ? `/subscriptions/${m[1]}` : '';
}

export const ROLE_DEFINITIONS = 'Microsoft.Authorization/roleDefinitions';

/** The role definition id as reported at a scope: under the scope's subscription, else tenant-level. */
export const roleDefinitionIdAt = (scope: string, guid: string) =>
  `${subscriptionPrefix(scope)}/providers/${ROLE_DEFINITIONS}/${guid}`;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isGuid = (s: string): boolean => GUID.test(s);
