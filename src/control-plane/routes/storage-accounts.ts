import type { StorageAccountRecord } from '../../store/storage.js';
import { accountIdOf, STORAGE_TYPE, type AccountAddress, type StorageAccountService } from '../../dataplanes/storage/accounts.js';
import { accountSas, keyToSign, serviceSas } from '../../dataplanes/storage/sas-requests.js';
import { nextLink, page, readSkipToken, readTop } from '../paging.js';
import { actorOf, type ArmCall, type ArmRoute } from '../router.js';
import { recordChange, type ChangeSink } from '../../activity-log/changes-batch.js';
import { deleteResource } from '../../resources/group-contents.js';

export interface StorageRouteDeps {
  accounts: StorageAccountService;
  baseUrl: string;
  dataPlaneZone: string;
  /** The listener's port, when not 443: data-plane URLs must reach it. */
  port?: number;
  /** Where writes, deletes and key regenerations are recorded as control-plane changes. */
  sink: ChangeSink;
}

/** The tutorials use 2016-12-01 and 2017-06-01; @azure/arm-storage 18 sends 2024-01-01 (spec 03 §3.6). */
const API_VERSIONS = [
  '2016-01-01', '2016-05-01', '2016-12-01', '2017-06-01', '2017-10-01', '2018-02-01', '2018-07-01', '2018-11-01', '2019-04-01', '2019-06-01',
  '2020-08-01-preview', '2021-01-01', '2021-02-01', '2021-04-01', '2021-06-01', '2021-08-01', '2021-09-01', '2022-05-01', '2022-09-01',
  '2023-01-01', '2023-04-01', '2023-05-01', '2024-01-01', '2025-01-01', '2025-06-01',
] as const;

export const blobEndpointOf = (d: Pick<StorageRouteDeps, 'dataPlaneZone' | 'port'>, name: string): string =>
  `https://${name}.blob.${d.dataPlaneZone}${d.port && d.port !== 443 ? `:${d.port}` : ''}/`;

function wire(d: StorageRouteDeps, r: StorageAccountRecord) {
  const props = (r.body['properties'] ?? {}) as Record<string, unknown>;
  return {
    sku: { name: 'Standard_LRS', tier: 'Standard' }, kind: 'StorageV2', ...r.body,
    id: r.id, name: r.name, type: STORAGE_TYPE, location: r.location, tags: r.tags,
    properties: {
      ...props, provisioningState: 'Succeeded', primaryLocation: r.location, statusOfPrimary: 'available',
      creationTime: new Date(r.createdAt).toISOString(), primaryEndpoints: { blob: blobEndpointOf(d, r.name) },
      allowSharedKeyAccess: props['allowSharedKeyAccess'] ?? true, supportsHttpsTrafficOnly: true,
    },
  };
}

const addr = (c: ArmCall): AccountAddress => ({ subscriptionId: c.params['subscriptionId']!, resourceGroup: c.params['resourceGroupName']!, name: c.params['name']! });

function keysWire(d: StorageRouteDeps, r: StorageAccountRecord) {
  return { keys: d.accounts.keysOf(r).map((k) => ({ keyName: k.keyName, value: k.value, permissions: 'FULL', creationTime: new Date(k.creationTime).toISOString() })) };
}

/** The POST actions on one account: keys and server-side SAS generation. */
function actionRoutes(d: StorageRouteDeps, base: string): ArmRoute[] {
  const post = (suffix: string, action: string, handle: (c: ArmCall) => Promise<unknown>): ArmRoute => ({
    resourceType: STORAGE_TYPE, apiVersions: API_VERSIONS, pattern: `${base}/${suffix}`,
    methods: { POST: { action, handle: async (c) => ({ status: 200, body: await handle(c) }) } },
  });
  return [
    post('listKeys', `${STORAGE_TYPE}/listkeys/action`, async (c) => keysWire(d, await d.accounts.get(addr(c)))),
    post('regenerateKey', `${STORAGE_TYPE}/regeneratekey/action`, async (c) => {
      const keyName = (c.body as Record<string, unknown> | undefined)?.['keyName'];
      const r = await d.accounts.regenerate(addr(c), keyName);
      // The key names only: values never reach the activity log.
      await recordChange(d.sink, actorOf(c), `${STORAGE_TYPE}/regeneratekey/action`, r.id, { keyName });
      return keysWire(d, r);
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
    const where = { subscriptionId: c.params['subscriptionId']!, ...(withGroup ? { resourceGroup: c.params['resourceGroupName']! } : {}) };
    const p = await d.accounts.list(where, readTop(c.ctx, 100, 1000), readSkipToken(c.ctx));
    return { status: 200, body: page(p.items.map((r) => wire(d, r)), nextLink(d.baseUrl, c.ctx, p.next)) };
  };
  const rg = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${STORAGE_TYPE}`;
  return [
    { ...common, pattern: `/subscriptions/{subscriptionId}/providers/${STORAGE_TYPE}`, methods: { GET: { action: `${STORAGE_TYPE}/read`, handle: list(false) } } },
    { ...common, pattern: rg, methods: { GET: { action: `${STORAGE_TYPE}/read`, handle: list(true) } } },
    ...actionRoutes(d, `${rg}/{name}`),
    {
      ...common,
      pattern: `${rg}/{name}`,
      methods: {
        GET: { action: `${STORAGE_TYPE}/read`, handle: async (c) => ({ status: 200, body: wire(d, await d.accounts.get(addr(c))) }) },
        PUT: {
          action: `${STORAGE_TYPE}/write`,
          handle: async (c) => {
            const { record, created } = await d.accounts.put(addr(c), c.body ?? {});
            await recordChange(d.sink, actorOf(c), `${STORAGE_TYPE}/write`, record.id, { created, tags: record.tags });
            return { status: created ? 201 : 200, body: wire(d, record) };
          },
        },
        DELETE: {
          action: `${STORAGE_TYPE}/delete`,
          handle: async (c) => ({ status: (await deleteResource(d.sink, actorOf(c), STORAGE_TYPE, accountIdOf(addr(c)))) ? 200 : 204 }),
        },
      },
    },
  ];
}
