import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before } from 'node:test';
import { isDomainError } from '../../kernel/errors.js';
import type {
  ClientSecretRecord,
  PrincipalRecord,
  ResourceGroupRecord,
  RoleAssignmentRecord,
  SigningKeyRecord,
  SubscriptionRecord,
  TenantRecord,
} from '../records.js';
import type { Store } from '../store.js';

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

export function resourceGroup(subscriptionId: string, name: string, o: Partial<ResourceGroupRecord> = {}): ResourceGroupRecord {
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

export function roleAssignment(scope: string, principalId: string, o: Partial<RoleAssignmentRecord> = {}): RoleAssignmentRecord {
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
    createdAt: T0 + 8,
    updatedAt: T0 + 9,
    ...o,
  };
}
