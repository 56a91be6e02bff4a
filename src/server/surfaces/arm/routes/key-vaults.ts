import type { KeyVaultRecord } from '../../../../store/key-vault.js';
import type { KeyVaultService, VaultAddress } from '../../../key-vaults/vaults.js';
import { KEY_VAULT_TYPE } from '../../../resources/resource-kinds.js';
import { KEY_VAULT_API_VERSIONS as API_VERSIONS } from '../api-versions.js';
import type { Authorizer } from '../../../rbac/authorizer.js';
import { nextLink, page, readSkipToken, readTop } from '../paging.js';
import { readablePage } from './readable-list.js';
import { actorOf, bodyObject, type ArmCall, type ArmRoute } from '../router.js';
import { createdStatus } from '../write-statuses.js';
import { checkNameRoute } from './check-name.js';

export interface KeyVaultRouteDeps {
  /** Every read and write goes through the service; writes log their activity rows in their own transaction. */
  authorizer: Authorizer;
  vaults: KeyVaultService;
  baseUrl: string;
  dataPlaneZone: string;
}

const TYPE = KEY_VAULT_TYPE;

/** The vault's data-plane origin: its own host name on the server's port (docs/wire/key-vault.md). */
export function vaultUri(baseUrl: string, zone: string, name: string): string {
  const port = new URL(baseUrl).port;
  return `https://${name.toLowerCase()}.vault.${zone}${port ? `:${port}` : ''}/`;
}

function wire(d: KeyVaultRouteDeps, v: KeyVaultRecord) {
  return {
    id: v.id,
    name: v.name,
    type: TYPE,
    location: v.location,
    tags: v.tags,
    properties: {
      tenantId: v.tenantId,
      sku: { family: 'A', name: v.sku },
      vaultUri: vaultUri(d.baseUrl, d.dataPlaneZone, v.name),
      enableRbacAuthorization: true,
      enableSoftDelete: true,
      softDeleteRetentionInDays: 90,
      accessPolicies: [],
      provisioningState: 'Succeeded',
    },
  };
}

const addr = (c: ArmCall): VaultAddress => ({
  subscriptionId: c.params['subscriptionId']!,
  resourceGroup: c.params['resourceGroupName']!,
  name: c.params['name']!,
});

async function put(d: KeyVaultRouteDeps, c: ArmCall) {
  const b = bodyObject(
    c,
    '{"location":"westeurope","properties":{"tenantId":"…","sku":{"family":"A","name":"standard"}}}',
  );
  const { vault, created } = await d.vaults.put(addr(c), b, actorOf(c));
  return { status: created ? createdStatus(TYPE) : 200, body: wire(d, vault) };
}

/** PATCH (`vaults.update`, `az keyvault update`): tags replaced when given, the sku when named. */
async function patch(d: KeyVaultRouteDeps, c: ArmCall) {
  const b = bodyObject(c, '{"tags":{"env":"test"}}');
  return { status: 200, body: wire(d, await d.vaults.patch(addr(c), b, actorOf(c))) };
}

/** Vault names are global: taken anywhere, by any subscription, is taken. */
function nameCheck(d: KeyVaultRouteDeps): ArmRoute {
  return checkNameRoute({
    store: d.vaults.store,
    namespace: 'Microsoft.KeyVault',
    type: TYPE,
    action: 'Microsoft.KeyVault/checkNameAvailability/read',
    apiVersions: API_VERSIONS,
    check: (name) => d.vaults.nameAvailability(name),
  });
}

async function get(d: KeyVaultRouteDeps, c: ArmCall) {
  return { status: 200, body: wire(d, await d.vaults.get(addr(c))) };
}

/** ARM `Microsoft.KeyVault/vaults`: PUT/GET/DELETE and listings. Secrets live on the vault's own host. */
export function keyVaultRoutes(d: KeyVaultRouteDeps): ArmRoute[] {
  const common = { resourceType: TYPE, apiVersions: API_VERSIONS };
  const list = (withGroup: boolean) => async (c: ArmCall) => {
    const where = {
      subscriptionId: c.params['subscriptionId']!,
      ...(withGroup ? { resourceGroup: c.params['resourceGroupName']! } : {}),
    };
    const list = (limit: number, after?: string) => d.vaults.list(where, limit, after);
    // Subscription-wide: what the caller may read; a group's list needs read on the group (route check).
    const p = withGroup
      ? await list(readTop(c.ctx, 100, 1000), readSkipToken(c.ctx))
      : await readablePage(d.authorizer, c, `${TYPE}/read`, list);
    return {
      status: 200,
      body: page(
        p.items.map((v) => wire(d, v)),
        nextLink(d.baseUrl, c.ctx, p.next),
      ),
    };
  };
  const rg = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${TYPE}`;
  return [
    nameCheck(d),
    {
      ...common,
      pattern: `/subscriptions/{subscriptionId}/providers/${TYPE}`,
      methods: { GET: { action: `${TYPE}/read`, everyone: true, handle: list(false) } },
    },
    { ...common, pattern: rg, methods: { GET: { action: `${TYPE}/read`, handle: list(true) } } },
    {
      ...common,
      pattern: `${rg}/{name}`,
      methods: {
        GET: { action: `${TYPE}/read`, handle: (c) => get(d, c) },
        PUT: { action: `${TYPE}/write`, handle: (c) => put(d, c) },
        PATCH: { action: `${TYPE}/write`, handle: (c) => patch(d, c) },
        DELETE: {
          action: `${TYPE}/delete`,
          handle: async (c) => ({ status: (await d.vaults.delete(addr(c), actorOf(c))) ? 200 : 204 }),
        },
      },
    },
  ];
}
