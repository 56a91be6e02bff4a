import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import { type DomainError, isDomainError } from '../../src/kernel/errors.js';
import type {
  ClientSecretRecord,
  ComputeResourceRecord,
  FederatedCredentialRecord,
  PrincipalRecord,
  ResourceGroupRecord,
  RoleAssignmentRecord,
  SigningKeyRecord,
  SubscriptionRecord,
  TenantRecord,
  UserAssignedIdentityRecord,
} from '../../src/store/records.js';
import type { Page, Store } from '../../src/store/store.js';

/** Above 2^32 on purpose: catches int8 columns coming back as strings or truncated. */
export const T0 = Date.UTC(2026, 0, 1);

/** Opens a fresh store for the enclosing describe() and closes it afterwards. */
export function useStore(newStore: () => Promise<Store>): () => Store {
  let store: Store | undefined;
  before(async () => {
    store = await newStore();
  });
  after(async () => {
    await store?.close();
  });
  return () => {
    if (store === undefined) throw new Error('store not opened');
    return store;
  };
}

export async function assertConflict(p: Promise<unknown>): Promise<void> {
  await assert.rejects(p, (e: unknown) => isDomainError(e) && e.kind === 'conflict');
}

/** Mixed case, so tests notice a lookup that is not case-insensitive or a record that lost its casing. */
export const mixedGuid = (): string => randomUUID().replace(/[a-f]/g, (c, i: number) => (i % 2 ? c.toUpperCase() : c));

/** Flips the case of every letter. */
export const flipCase = (s: string): string =>
  s.replace(/[a-z]/gi, (c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()));

export const tenant = (o: Partial<TenantRecord> = {}): TenantRecord => ({
  id: mixedGuid(),
  displayName: 'Contoso Tenant',
  createdAt: T0 + 1,
  ...o,
});

export const subscription = (o: Partial<SubscriptionRecord> = {}): SubscriptionRecord => ({
  id: mixedGuid(),
  tenantId: mixedGuid(),
  displayName: 'Pay-As-You-Go',
  state: 'Enabled',
  createdAt: T0 + 2,
  ...o,
});

export function resourceGroup(
  subscriptionId: string,
  name: string,
  o: Partial<ResourceGroupRecord> = {},
): ResourceGroupRecord {
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${name}`,
    subscriptionId,
    name,
    location: 'westeurope',
    tags: { env: 'test', 'Ünïcode key': 'välue "quoted"' },
    managedBy: null,
    createdAt: T0 + 3,
    updatedAt: T0 + 4,
    ...o,
  };
}

export const principal = (o: Partial<PrincipalRecord> = {}): PrincipalRecord => ({
  objectId: mixedGuid(),
  appId: mixedGuid(),
  tenantId: mixedGuid(),
  displayName: 'my-app',
  kind: 'application',
  resourceId: null,
  createdAt: T0 + 5,
  ...o,
});

export const clientSecret = (principalObjectId: string, o: Partial<ClientSecretRecord> = {}): ClientSecretRecord => ({
  id: mixedGuid(),
  principalObjectId,
  hash: 'ab'.repeat(32),
  hint: 'Xy7',
  createdAt: T0 + 6,
  expiresAt: T0 + 86_400_000,
  ...o,
});

export const signingKey = (o: Partial<SigningKeyRecord> = {}): SigningKeyRecord => {
  const kid = o.kid ?? `kid-${randomUUID()}`;
  return {
    kid,
    status: 'next',
    sealedPrivateKey: `v1.sealed.${'Q'.repeat(64)}`,
    publicJwk: { kty: 'RSA', n: 'sXch', e: 'AQAB', kid, use: 'sig', alg: 'RS256', x5c: ['MIIC…'], x5t: 'abc' },
    createdAt: T0 + 7,
    activatedAt: null,
    retiredAt: null,
    publishUntil: null,
    ...o,
  };
};

export function roleAssignment(
  scope: string,
  principalId: string,
  o: Partial<RoleAssignmentRecord> = {},
): RoleAssignmentRecord {
  const name = mixedGuid();
  return {
    id: `${scope === '/' ? '' : scope}/providers/Microsoft.Authorization/roleAssignments/${name}`,
    name,
    scope,
    roleDefinitionId: '/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c',
    principalId,
    principalType: 'ServicePrincipal',
    description: 'granted by test',
    createdBy: mixedGuid(),
    updatedBy: mixedGuid(),
    condition: null,
    conditionVersion: null,
    createdAt: T0 + 8,
    updatedAt: T0 + 9,
    ...o,
  };
}

export function identity(
  subscriptionId: string,
  resourceGroup: string,
  name: string,
  o: Partial<UserAssignedIdentityRecord> = {},
): UserAssignedIdentityRecord {
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
    subscriptionId,
    resourceGroup,
    name,
    location: 'westeurope',
    tags: { env: 'test', 'Ünïcode key': 'välue "quoted"' },
    isolationScope: 'None',
    principalId: mixedGuid(),
    clientId: mixedGuid(),
    tenantId: mixedGuid(),
    createdAt: T0 + 10,
    updatedAt: T0 + 11,
    ...o,
  };
}

export function federatedCredential(
  identityId: string,
  name: string,
  o: Partial<FederatedCredentialRecord> = {},
): FederatedCredentialRecord {
  return {
    id: `${identityId}/federatedIdentityCredentials/${name}`,
    identityId,
    name,
    issuer: 'https://token.actions.githubusercontent.com',
    subject: `repo:Contoso/App:ref:refs/heads/${name}`,
    audiences: ['api://AzureADTokenExchange'],
    createdAt: T0 + 12,
    updatedAt: T0 + 13,
    ...o,
  };
}

export function computeResource(
  subscriptionId: string,
  resourceGroup: string,
  name: string,
  o: Partial<ComputeResourceRecord> = {},
): ComputeResourceRecord {
  const type = o.type ?? 'Microsoft.Compute/virtualMachines';
  return {
    id: `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/${type}/${name}`,
    subscriptionId,
    resourceGroup,
    type,
    name,
    location: 'westeurope',
    tags: { role: 'web' },
    body: {
      properties: { hardwareProfile: { vmSize: 'Standard_B2s' }, osProfile: null, ünïcode: 'välue' },
      zones: ['1', '2'],
      sku: { name: 'S1', capacity: 3, enabled: true },
    },
    systemPrincipalId: null,
    userAssignedIdentityIds: [],
    createdAt: T0 + 14,
    updatedAt: T0 + 15,
    ...o,
  };
}

/** Follows `next` until the last page; fails if paging does not terminate. */
export async function collectPages<T>(fetch: (after?: string) => Promise<Page<T>>, maxPages = 100): Promise<Page<T>[]> {
  const pages: Page<T>[] = [];
  let after: string | undefined;
  do {
    const page = await fetch(after);
    pages.push(page);
    after = page.next;
    assert.ok(pages.length <= maxPages, 'paging does not terminate');
  } while (after !== undefined);
  return pages;
}

/** Rejects with a conflict carrying `code`; returns the error for further checks. */
export async function assertConflictCode(p: Promise<unknown>, code: string): Promise<DomainError> {
  let caught: unknown;
  await assert.rejects(p, (e: unknown) => ((caught = e), isDomainError(e) && e.kind === 'conflict' && e.code === code));
  return caught as DomainError;
}
