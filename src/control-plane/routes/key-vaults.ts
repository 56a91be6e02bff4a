import { conflict, invalid } from '../../kernel/errors.js';
import type { Clock } from '../../kernel/clock.js';
import { isKnownLocation, normalizeLocation } from '../../resources/locations.js';
import { requireResource, requireScope } from '../../resources/scope-checks.js';
import { checkTags } from '../../resources/tags.js';
import type { KeyVaultRecord } from '../../store/key-vault.js';
import type { Store } from '../../store/store.js';
import { recordChange, type ChangeSink } from '../../activity-log/changes-batch.js';
import { deleteResource } from '../../resources/group-contents.js';
import { KEY_VAULT_TYPE } from '../../resources/resource-kinds.js';
import { nextLink, page, readSkipToken, readTop } from '../paging.js';
import { actorOf, bodyObject, type ArmCall, type ArmRoute } from '../router.js';

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
const API_VERSIONS = ['2019-09-01', '2021-10-01', '2022-07-01', '2023-02-01', '2023-07-01', '2024-11-01'] as const;
/** Azure's rule; it also keeps every vault name a valid DNS label. */
const VAULT_NAME = /^[a-zA-Z][a-zA-Z0-9-]{1,22}[a-zA-Z0-9]$/;

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
  if (!VAULT_NAME.test(name)) throw invalid(`Vault name '${name}' is invalid: 3-24 letters, digits and dashes, starting with a letter.`, { code: 'VaultNameNotValid' });
  const props = (b['properties'] ?? {}) as { sku?: { name?: unknown }; enableRbacAuthorization?: unknown };
  // Only RBAC is modelled; access policies would be a second, silently ignored, permission system.
  if (props.enableRbacAuthorization === false) throw invalid('Only enableRbacAuthorization: true is supported.', { code: 'BadRequest' });
  const sku = typeof props.sku?.name === 'string' ? props.sku.name : 'standard';
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
  return { status: 201, body: wire(d, v) };
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
    { ...common, pattern: `/subscriptions/{subscriptionId}/providers/${TYPE}`, methods: { GET: { action: `${TYPE}/read`, handle: list(false) } } },
    { ...common, pattern: rg, methods: { GET: { action: `${TYPE}/read`, handle: list(true) } } },
    {
      ...common,
      pattern: `${rg}/{name}`,
      methods: {
        GET: { action: `${TYPE}/read`, handle: (c) => get(d, c) },
        PUT: { action: `${TYPE}/write`, handle: (c) => put(d, c) },
        DELETE: { action: `${TYPE}/delete`, handle: async (c) => ({ status: (await deleteResource(d.sink, actorOf(c), TYPE, idOf(c))) ? 200 : 204 }) },
      },
    },
  ];
}
