import type { StorageAccountRecord } from '../../../../store/storage.js';
import {
  accountIdOf,
  STORAGE_TYPE,
  type AccountAddress,
  type StorageAccountService,
} from '../../../storage-accounts/accounts.js';
import { withoutServiceProperties } from '../../../storage-accounts/service-properties.js';
import { accountSas, keyToSign, serviceSas } from '../../blob/sas-requests.js';
import { STORAGE_API_VERSIONS as API_VERSIONS } from '../api-versions.js';
import type { Authorizer } from '../../../rbac/authorizer.js';
import { nextLink, page, readSkipToken, readTop } from '../paging.js';
import { readablePage } from './readable-list.js';
import { actorOf, type ArmCall, type ArmRoute } from '../router.js';
import { createdStatus, withSucceeded } from '../write-statuses.js';
import { checkNameRoute } from './check-name.js';
import { deleteResource } from '../../../resources/group-contents.js';

export interface StorageRouteDeps {
  authorizer: Authorizer;
  accounts: StorageAccountService;
  baseUrl: string;
  dataPlaneZone: string;
  /** The listener's port, when not 443: data-plane URLs must reach it. */
  port?: number;
}

export const blobEndpointOf = (
  d: Pick<StorageRouteDeps, 'dataPlaneZone' | 'port'>,
  name: string,
  service: 'blob' | 'dfs' | 'queue' | 'table' = 'blob',
): string => `https://${name}.${service}.${d.dataPlaneZone}${d.port && d.port !== 443 ? `:${d.port}` : ''}/`;

function wire(d: StorageRouteDeps, r: StorageAccountRecord) {
  const props = (r.body['properties'] ?? {}) as Record<string, unknown>;
  return {
    sku: { name: 'Standard_LRS', tier: 'Standard' },
    kind: 'StorageV2',
    ...withoutServiceProperties(r.body),
    id: r.id,
    name: r.name,
    type: STORAGE_TYPE,
    location: r.location,
    tags: r.tags,
    properties: {
      ...withSucceeded(props),
      primaryLocation: r.location,
      statusOfPrimary: 'available',
      creationTime: new Date(r.createdAt).toISOString(),
      primaryEndpoints: {
        blob: blobEndpointOf(d, r.name),
        dfs: blobEndpointOf(d, r.name, 'dfs'),
        queue: blobEndpointOf(d, r.name, 'queue'),
        table: blobEndpointOf(d, r.name, 'table'),
      },
      isHnsEnabled: props['isHnsEnabled'] ?? false,
      allowSharedKeyAccess: props['allowSharedKeyAccess'] ?? true,
      supportsHttpsTrafficOnly: true,
    },
  };
}

const addr = (c: ArmCall): AccountAddress => ({
  subscriptionId: c.params['subscriptionId']!,
  resourceGroup: c.params['resourceGroupName']!,
  name: c.params['name']!,
});

function keysWire(d: StorageRouteDeps, r: StorageAccountRecord) {
  return {
    keys: d.accounts.keysOf(r).map((k) => ({
      keyName: k.keyName,
      value: k.value,
      permissions: 'FULL',
      creationTime: new Date(k.creationTime).toISOString(),
    })),
  };
}

/** The POST actions on one account: keys and server-side SAS generation. */
function actionRoutes(d: StorageRouteDeps, base: string): ArmRoute[] {
  const post = (suffix: string, action: string, handle: (c: ArmCall) => Promise<unknown>): ArmRoute => ({
    resourceType: STORAGE_TYPE,
    apiVersions: API_VERSIONS,
    pattern: `${base}/${suffix}`,
    methods: { POST: { action, handle: async (c) => ({ status: 200, body: await handle(c) }) } },
  });
  return [
    post('listKeys', `${STORAGE_TYPE}/listkeys/action`, async (c) => keysWire(d, await d.accounts.get(addr(c)))),
    post('regenerateKey', `${STORAGE_TYPE}/regeneratekey/action`, async (c) => {
      const keyName = (c.body as Record<string, unknown> | undefined)?.['keyName'];
      return keysWire(d, await d.accounts.regenerate(addr(c), keyName, actorOf(c)));
    }),
    post('listServiceSas', `${STORAGE_TYPE}/listServiceSas/action`, async (c) => {
      const r = await d.accounts.get(addr(c));
      return { serviceSasToken: serviceSas(r.name, d.accounts.keyOf(r, keyToSign(c.body ?? {})), c.body ?? {}) };
    }),
    post('ListAccountSas', `${STORAGE_TYPE}/ListAccountSas/action`, async (c) => {
      const r = await d.accounts.get(addr(c));
      return { accountSasToken: accountSas(r.name, d.accounts.keyOf(r, keyToSign(c.body ?? {})), c.body ?? {}) };
    }),
  ];
}

/** Microsoft.Storage/storageAccounts: CRUD, list, listKeys, regenerateKey, listServiceSas, listAccountSas. */
export function storageAccountRoutes(d: StorageRouteDeps): ArmRoute[] {
  const common = { resourceType: STORAGE_TYPE, apiVersions: API_VERSIONS };
  const list = (withGroup: boolean) => async (c: ArmCall) => {
    const where = {
      subscriptionId: c.params['subscriptionId']!,
      ...(withGroup ? { resourceGroup: c.params['resourceGroupName']! } : {}),
    };
    const list = (limit: number, after?: string) => d.accounts.list(where, limit, after);
    // Subscription-wide: what the caller may read; a group's list needs read on the group (route check).
    const p = withGroup
      ? await list(readTop(c.ctx, 100, 1000), readSkipToken(c.ctx))
      : await readablePage(d.authorizer, c, `${STORAGE_TYPE}/read`, list);
    return {
      status: 200,
      body: page(
        p.items.map((r) => wire(d, r)),
        nextLink(d.baseUrl, c.ctx, p.next),
      ),
    };
  };
  const rg = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${STORAGE_TYPE}`;
  // Storage spells this action in lower case in its operations list.
  const nameCheck = checkNameRoute({
    store: d.accounts.repos,
    namespace: 'Microsoft.Storage',
    type: STORAGE_TYPE,
    action: 'Microsoft.Storage/checknameavailability/read',
    apiVersions: API_VERSIONS,
    check: (name) => d.accounts.nameAvailability(name),
  });
  return [
    nameCheck,
    {
      ...common,
      pattern: `/subscriptions/{subscriptionId}/providers/${STORAGE_TYPE}`,
      methods: { GET: { action: `${STORAGE_TYPE}/read`, everyone: true, handle: list(false) } },
    },
    { ...common, pattern: rg, methods: { GET: { action: `${STORAGE_TYPE}/read`, handle: list(true) } } },
    ...actionRoutes(d, `${rg}/{name}`),
    {
      ...common,
      pattern: `${rg}/{name}`,
      methods: {
        GET: {
          action: `${STORAGE_TYPE}/read`,
          handle: async (c) => ({ status: 200, body: wire(d, await d.accounts.get(addr(c))) }),
        },
        PUT: {
          action: `${STORAGE_TYPE}/write`,
          handle: async (c) => {
            const { record, created } = await d.accounts.put(addr(c), c.body ?? {}, actorOf(c));
            return { status: created ? createdStatus(STORAGE_TYPE) : 200, body: wire(d, record) };
          },
        },
        PATCH: {
          action: `${STORAGE_TYPE}/write`,
          handle: async (c) => {
            const record = await d.accounts.patch(addr(c), c.body ?? {}, actorOf(c));
            return { status: 200, body: wire(d, record) };
          },
        },
        DELETE: {
          action: `${STORAGE_TYPE}/delete`,
          // The account service is the sink: the deletion and its rows commit in one transaction.
          handle: async (c) => ({
            status: (await deleteResource(d.accounts, actorOf(c), STORAGE_TYPE, accountIdOf(addr(c)))) ? 200 : 204,
          }),
        },
      },
    },
  ];
}
