import type { Authorizer } from '../rbac/authorizer.js';

/** One entry of a registry token's `access` claim (https://distribution.github.io/distribution/spec/auth/jwt/). */
export interface RepositoryAccess {
  type: 'repository';
  name: string;
  actions: string[];
}

/** What each repository action takes at the registry's scope: AcrPull's and AcrPush's actions. */
const ACTION_PERMISSION: Record<string, string> = {
  pull: 'Microsoft.ContainerRegistry/registries/pull/read',
  push: 'Microsoft.ContainerRegistry/registries/push/write',
};

const MAX_SCOPES = 16;
/** `repository:NAME:ACTIONS` (https://distribution.github.io/distribution/spec/auth/scope/); NAME may hold ':' only in a host port, which repository names have none of. */
const SCOPE = /^repository:([a-z0-9]+(?:[._/-][a-z0-9]+)*):([a-z*,]+)$/;

/** The repository scopes asked for; other scope types (registry:catalog:*) are ignored, as an empty grant. */
export function parseScopes(scopes: string[]): RepositoryAccess[] {
  const out: RepositoryAccess[] = [];
  for (const raw of scopes.flatMap((s) => s.split(' ')).slice(0, MAX_SCOPES)) {
    const m = SCOPE.exec(raw);
    if (!m) continue;
    out.push({ type: 'repository', name: m[1]!, actions: [...new Set(m[2]!.split(','))] });
  }
  return out;
}

/** The asked actions RBAC allows this principal at the registry; unknown actions (delete, *) are never granted. */
export async function grantedActions(
  authorizer: Authorizer,
  principalId: string,
  registryId: string,
  asked: string[],
): Promise<string[]> {
  const granted: string[] = [];
  for (const a of asked) {
    const permission = ACTION_PERMISSION[a];
    if (permission && (await authorizer.check(principalId, permission, registryId, 'action')).allowed) granted.push(a);
  }
  return granted;
}
