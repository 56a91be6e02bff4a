import type { Store } from '../../store/store.js';
import type { ImpactedResource } from '../../wire/usage.js';
import type { SignInEvent } from '../audit/sign-ins.js';

/** Sign-in rows read per principal; beyond this the answer covers the newest ones (docs/groups.md). */
const MAX_SIGN_IN_ROWS = 50_000;

const VAULT = /^https:\/\/vault\.[^/]+\/?$/i;
const STORAGE = /^https:\/\/storage\.[^/]+\/?$/i;

/**
 * Whether a token for `audience` reaches a resource at `scope`. The data planes have their own
 * audiences (https://learn.microsoft.com/entra/identity/managed-identities-azure-resources/services-id-authentication-support):
 * `vault.azure.net` or openmi's `vault.{dataPlaneZone}` (docs/data-planes.md), likewise storage;
 * any other audience is Resource Manager's.
 */
function reaches(scope: string, audience: string): boolean {
  if (/\/providers\/Microsoft\.KeyVault\/vaults\/[^/]+/i.test(scope)) return VAULT.test(audience);
  if (/\/providers\/Microsoft\.Storage\/storageAccounts\/[^/]+/i.test(scope)) return STORAGE.test(audience);
  return !VAULT.test(audience) && !STORAGE.test(audience);
}

/** Whose sign-ins: a user-assigned identity by its ARM id, or any principal by its object id. */
export type SignInSubject = { column: 'identity_key' | 'principal_key'; value: string };

/** The successful sign-ins of one subject, newest first. */
export async function successfulSignIns(store: Store, who: SignInSubject): Promise<SignInEvent[]> {
  const out: SignInEvent[] = [];
  let after: string | undefined;
  do {
    const p = await store.audit.query(
      'signIns',
      { eq: { [who.column]: who.value.toLowerCase(), result: 'success' } },
      1000,
      after,
    );
    for (const r of p.items) out.push(JSON.parse(r.data) as SignInEvent);
    after = p.next;
  } while (after !== undefined && out.length < MAX_SIGN_IN_ROWS);
  return out;
}

/** Of the assignment scopes, those the sign-ins asked tokens for, and the calling resources that asked. */
export function usedThrough(
  signIns: readonly SignInEvent[],
  scopes: readonly string[],
): { resources: ImpactedResource[]; callingResources: ImpactedResource[] } {
  const resources = new Map<string, number>();
  const callers = new Map<string, number>();
  for (const scope of new Set(scopes)) {
    for (const s of signIns) {
      if (s.audience === null || !reaches(scope, s.audience)) continue;
      const at = s.lastAt ?? s.at;
      resources.set(scope, Math.max(resources.get(scope) ?? 0, at));
      if (s.callingResourceId) callers.set(s.callingResourceId, Math.max(callers.get(s.callingResourceId) ?? 0, at));
    }
  }
  const list = (m: Map<string, number>) => [...m].map(([id, at]) => ({ id, lastUse: new Date(at).toISOString() }));
  return { resources: list(resources), callingResources: list(callers) };
}
