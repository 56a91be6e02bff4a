import { conflict, invalid } from '../../../../kernel/errors.js';
import type { Clock } from '../../../../kernel/clock.js';
import { isKnownLocation, normalizeLocation } from '../../../resource-base/locations.js';
import { requireResource, requireScope } from '../../../resource-base/scope-checks.js';
import { checkTags } from '../../../resource-base/tags.js';
import type { KeyVaultRecord } from '../../../../store/key-vault.js';
import type { Store } from '../../../../store/store.js';
import { recordChange, type ChangeSink } from '../../../audit/changes-batch.js';
import { deleteResource } from '../../../resources/group-contents.js';
import { KEY_VAULT_TYPE } from '../../../resources/resource-kinds.js';
import { KEY_VAULT_API_VERSIONS as API_VERSIONS } from '../api-versions.js';
import { nextLink, page, readSkipToken, readTop } from '../paging.js';
import { actorOf, bodyObject, type ArmCall, type ArmRoute } from '../router.js';
import { createdStatus } from '../write-statuses.js';
import { checkNameRoute } from './check-name.js';

export interface KeyVaultRouteDeps {
  store: Store;
  clock: Clock;
  tenantId: string;
  baseUrl: string;
  dataPlaneZone: string;
  /** Where writes and deletes are recorded as control-plane changes. */
  sink: ChangeSink;
}

const TYPE = KEY_VAULT_TYPE;
/** Azure's rule (3-24 letters, digits and single dashes, starting with a letter); it also keeps every vault name a valid DNS label. */
const VAULT_NAME = /^(?!.*--)[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;
const VAULT_NAME_RULE = 'Vault names are 3-24 characters: letters, digits and dashes, starting with a letter, ending with a letter or digit, without consecutive dashes.';

/** The vault's data-plane origin: its own host name on the server's port (spec 03 §2.1). */
export function vaultUri(baseUrl: string, zone: string, name: string): string {
  const port = new URL(baseUrl).port;
  return `https://${name.toLowerCase()}.vault.${zone}${port ? `:${port}` : ''}/`;
}

function wire(d: KeyVaultRouteDeps, v: KeyVaultRecord) {
  return {
    id: v.id, name: v.name, type: TYPE, location: v.location, tags: v.tags,
    properties: {
      tenantId: v.tenantId, sku: { family: 'A', name: v.sku }, vaultUri: vaultUri(d.baseUrl, d.dataPlaneZone, v.name),
      enableRbacAuthorization: true, enableSoftDelete: true, softDeleteRetentionInDays: 90, accessPolicies: [], provisioningState: 'Succeeded',
    },
  };
}

const idOf = (c: ArmCall): string => `/subscriptions/${c.params['subscriptionId']}/resourceGroups/${c.params['resourceGroupName']}/providers/${TYPE}/${c.params['name']}`;

async function put(d: KeyVaultRouteDeps, c: ArmCall) {
  const b = bodyObject(c, '{"location":"westeurope","properties":{"tenantId":"…","sku":{"family":"A","name":"standard"}}}');
  const name = c.params['name']!;
  if (!VAULT_NAME.test(name)) throw invalid(`Vault name '${name}' is invalid. ${VAULT_NAME_RULE}`, { code: 'VaultNameNotValid' });
  const sku = skuOf(b) ?? 'standard';
  const tags = checkTags(b['tags']);
  const existing = await d.store.keyVaults.get(idOf(c));
  const now = d.clock.now();
  if (existing) {
    await d.store.keyVaults.update({ ...existing, tags, sku, updatedAt: now });
    await recordChange(d.sink, actorOf(c), `${TYPE}/write`, existing.id, { created: false, tags });
    return { status: 200, body: wire(d, { ...existing, tags, sku, updatedAt: now }) };
  }
  await requireScope(d.store, c.params['subscriptionId']!, c.params['resourceGroupName']!);
  const location = typeof b['location'] === 'string' ? normalizeLocation(b['location']) : '';
  if (!isKnownLocation(location)) throw invalid(`The location '${String(b['location'])}' is not available.`, { code: 'LocationNotAvailableForResourceType' });
  if (await d.store.keyVaults.getByName(name)) throw conflict(`The vault name '${name}' is already in use.`, { code: 'VaultAlreadyExists' });
  const v: KeyVaultRecord = { id: idOf(c), subscriptionId: c.params['subscriptionId']!, resourceGroup: c.params['resourceGroupName']!, name, location, tags, tenantId: d.tenantId, sku, createdAt: now, updatedAt: now };
  await d.store.keyVaults.create(v);
  await recordChange(d.sink, actorOf(c), `${TYPE}/write`, v.id, { created: true, tags });
  return { status: createdStatus(TYPE), body: wire(d, v) };
}

/** The sku a PUT or PATCH body names, if any. Only RBAC is modelled: access policies would be a second, silently ignored, permission system. */
function skuOf(b: Record<string, unknown>): string | undefined {
  const props = (b['properties'] ?? {}) as { sku?: { name?: unknown }; enableRbacAuthorization?: unknown };
  if (props.enableRbacAuthorization === false) throw invalid('Only enableRbacAuthorization: true is supported.', { code: 'BadRequest' });
  return typeof props.sku?.name === 'string' ? props.sku.name : undefined;
}

/** PATCH (`vaults.update`, `az keyvault update`): tags replaced when given, the sku when named. */
async function patch(d: KeyVaultRouteDeps, c: ArmCall) {
  const b = bodyObject(c, '{"tags":{"env":"test"}}');
  const address = { subscriptionId: c.params['subscriptionId']!, resourceGroup: c.params['resourceGroupName']!, name: c.params['name']! };
  const v = await requireResource(d.store, address, TYPE, await d.store.keyVaults.get(idOf(c)));
  const next = { ...v, tags: b['tags'] === undefined ? v.tags : checkTags(b['tags']), sku: skuOf(b) ?? v.sku, updatedAt: d.clock.now() };
  await d.store.keyVaults.update(next);
  await recordChange(d.sink, actorOf(c), `${TYPE}/write`, next.id, { created: false, tags: next.tags });
  return { status: 200, body: wire(d, next) };
}

/** Vault names are global: taken anywhere, by any subscription, is taken (Azure adds soft-deleted vaults; openmi has none). */
function nameCheck(d: KeyVaultRouteDeps): ArmRoute {
  return checkNameRoute({
    store: d.store, namespace: 'Microsoft.KeyVault', type: TYPE, action: 'Microsoft.KeyVault/checkNameAvailability/read', apiVersions: API_VERSIONS,
    check: async (name) => {
      if (!VAULT_NAME.test(name)) return { nameAvailable: false, reason: 'AccountNameInvalid', message: `Vault name '${name}' is invalid. ${VAULT_NAME_RULE}` };
      if (await d.store.keyVaults.getByName(name)) return { nameAvailable: false, reason: 'AlreadyExists', message: `The vault name '${name}' is already in use. Vault names are globally unique; choose another name.` };
      return { nameAvailable: true };
    },
  });
}

async function get(d: KeyVaultRouteDeps, c: ArmCall) {
  const address = { subscriptionId: c.params['subscriptionId']!, resourceGroup: c.params['resourceGroupName']!, name: c.params['name']! };
  const v = await requireResource(d.store, address, TYPE, await d.store.keyVaults.get(idOf(c)));
  return { status: 200, body: wire(d, v) };
}

/** ARM `Microsoft.KeyVault/vaults`: PUT/GET/DELETE and listings. Secrets live on the vault's own host. */
export function keyVaultRoutes(d: KeyVaultRouteDeps): ArmRoute[] {
  const common = { resourceType: TYPE, apiVersions: API_VERSIONS };
  const list = (withGroup: boolean) => async (c: ArmCall) => {
    const where = { subscriptionId: c.params['subscriptionId']!, ...(withGroup ? { resourceGroup: c.params['resourceGroupName']! } : {}) };
    const p = await d.store.keyVaults.list(where, readTop(c.ctx, 100, 1000), readSkipToken(c.ctx));
    return { status: 200, body: page(p.items.map((v) => wire(d, v)), nextLink(d.baseUrl, c.ctx, p.next)) };
  };
  const rg = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${TYPE}`;
  return [
    nameCheck(d),
    { ...common, pattern: `/subscriptions/{subscriptionId}/providers/${TYPE}`, methods: { GET: { action: `${TYPE}/read`, handle: list(false) } } },
    { ...common, pattern: rg, methods: { GET: { action: `${TYPE}/read`, handle: list(true) } } },
    {
      ...common,
      pattern: `${rg}/{name}`,
      methods: {
        GET: { action: `${TYPE}/read`, handle: (c) => get(d, c) },
        PUT: { action: `${TYPE}/write`, handle: (c) => put(d, c) },
        PATCH: { action: `${TYPE}/write`, handle: (c) => patch(d, c) },
        DELETE: { action: `${TYPE}/delete`, handle: async (c) => ({ status: (await deleteResource(d.sink, actorOf(c), TYPE, idOf(c))) ? 200 : 204 }) },
      },
    },
  ];
}
