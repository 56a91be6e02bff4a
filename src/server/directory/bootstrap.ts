import { writePrivateFile } from '../../kernel/private-files.js';
import type { Clock } from '../../kernel/clock.js';
import type { Random } from '../../kernel/ids.js';
import { BuiltinRoleIds } from '../rbac/builtin-roles.js';
import type { Store, StoreRepos } from '../../store/store.js';
import { hashSecret } from '../tokens/client-credentials.js';

export interface Installation {
  tenantId: string;
  subscriptionId: string;
  adminObjectId: string;
  adminAppId: string;
}

/** What the admin credentials file holds: written once, readable by the owner only. */
export interface AdminCredentialsFile {
  tenantId: string;
  subscriptionId: string;
  clientId: string;
  clientSecret: string;
}

const META = { tenant: 'defaultTenantId', subscription: 'defaultSubscriptionId', admin: 'bootstrapAdminObjectId' };

async function createInstallation(tx: StoreRepos, clock: Clock, random: Random, secret: string): Promise<Installation> {
  const now = clock.now();
  const inst = {
    tenantId: random.uuid(),
    subscriptionId: random.uuid(),
    adminObjectId: random.uuid(),
    adminAppId: random.uuid(),
  };
  await tx.tenants.create({ id: inst.tenantId, displayName: 'openmi', createdAt: now });
  await tx.subscriptions.create({
    id: inst.subscriptionId,
    tenantId: inst.tenantId,
    displayName: 'openmi default',
    state: 'Enabled',
    createdAt: now,
  });
  await tx.principals.create({
    objectId: inst.adminObjectId,
    appId: inst.adminAppId,
    tenantId: inst.tenantId,
    displayName: 'openmi-bootstrap-admin',
    kind: 'application',
    resourceId: null,
    createdAt: now,
  });
  await tx.clientSecrets.create({
    id: random.uuid(),
    principalObjectId: inst.adminObjectId,
    hash: hashSecret(secret),
    hint: secret.slice(0, 3),
    createdAt: now,
    expiresAt: null,
  });
  const raName = random.uuid();
  await tx.roleAssignments.create({
    id: `/providers/Microsoft.Authorization/roleAssignments/${raName}`,
    name: raName,
    scope: '/',
    roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${BuiltinRoleIds.owner}`,
    principalId: inst.adminObjectId,
    principalType: 'ServicePrincipal',
    description: 'Bootstrap admin: Owner at the root scope',
    createdBy: null,
    createdAt: now,
    updatedAt: now,
  });
  await tx.meta.set(META.tenant, inst.tenantId);
  await tx.meta.set(META.subscription, inst.subscriptionId);
  await tx.meta.set(META.admin, inst.adminObjectId);
  return inst;
}

async function loadInstallation(store: Store): Promise<Installation | undefined> {
  const tenantId = await store.meta.get(META.tenant);
  const subscriptionId = await store.meta.get(META.subscription);
  const adminObjectId = await store.meta.get(META.admin);
  if (!tenantId || !subscriptionId || !adminObjectId) return undefined;
  const admin = await store.principals.getByObjectId(adminObjectId);
  return { tenantId, subscriptionId, adminObjectId, adminAppId: admin?.appId ?? '' };
}

/**
 * First start: the default tenant, a subscription, and a bootstrap admin application holding
 * Owner at `/`, all in one transaction. The secret is stored hashed; its plain value is written
 * once to `credentialsPath` (mode 0600). Later starts load what exists.
 */
export async function ensureInstallation(
  store: Store,
  clock: Clock,
  random: Random,
  credentialsPath: string,
): Promise<Installation> {
  const existing = await loadInstallation(store);
  if (existing) return existing;
  const secret = `omi~${random.bytes(32).toString('base64url')}`;
  const inst = await store.tx((tx) => createInstallation(tx, clock, random, secret));
  const file: AdminCredentialsFile = {
    tenantId: inst.tenantId,
    subscriptionId: inst.subscriptionId,
    clientId: inst.adminAppId,
    clientSecret: secret,
  };
  writePrivateFile(credentialsPath, `${JSON.stringify(file, null, 2)}\n`);
  return inst;
}
