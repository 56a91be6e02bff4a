import type { QueueRecord } from '../../../../store/queues.js';
import type { TableRecord } from '../../../../store/tables.js';
import { STORAGE_TYPE, type AccountAddress } from '../../../storage-accounts/accounts.js';
import { queueIdOf, serviceIdOf, tableIdOf, type AccountChildren } from '../../../storage-accounts/account-children.js';
import type { ServiceKind, ServiceProperties } from '../../../storage-accounts/service-properties.js';
import { STORAGE_API_VERSIONS as API_VERSIONS } from '../api-versions.js';
import { nextLink, page, readSkipToken, readTop } from '../paging.js';
import { actorOf, type ArmCall, type ArmRoute } from '../router.js';

export interface StorageServiceRouteDeps {
  children: AccountChildren;
  baseUrl: string;
}

const RG = `/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${STORAGE_TYPE}/{name}`;
const addr = (c: ArmCall): AccountAddress => ({
  subscriptionId: c.params['subscriptionId']!,
  resourceGroup: c.params['resourceGroupName']!,
  name: c.params['name']!,
});

const serviceWire = (accountId: string, kind: ServiceKind, props: ServiceProperties) => ({
  id: serviceIdOf(accountId, kind),
  name: 'default',
  type: `${STORAGE_TYPE}/${kind}Services`,
  properties: props,
});
const queueWire = (accountId: string, q: QueueRecord) => ({
  id: queueIdOf(accountId, q.name),
  name: q.name,
  type: `${STORAGE_TYPE}/queueServices/queues`,
  properties: { metadata: q.metadata },
});
const tableWire = (accountId: string, t: TableRecord) => ({
  id: tableIdOf(accountId, t.name),
  name: t.name,
  type: `${STORAGE_TYPE}/tableServices/tables`,
  properties: { tableName: t.name },
});

/** `…/{kind}Services` (a list of one) and `…/{kind}Services/default`: GET and PUT (CORS rules). */
function serviceRoutes(d: StorageServiceRouteDeps, kind: ServiceKind): ArmRoute[] {
  const type = `${STORAGE_TYPE}/${kind}Services`;
  const common = { resourceType: type, apiVersions: API_VERSIONS };
  const get = async (c: ArmCall) => {
    const s = await d.children.service(addr(c), kind);
    return serviceWire(s.accountId, kind, s.props);
  };
  return [
    {
      ...common,
      pattern: `${RG}/${kind}Services`,
      methods: {
        GET: { action: `${type}/read`, handle: async (c) => ({ status: 200, body: { value: [await get(c)] } }) },
      },
    },
    {
      ...common,
      pattern: `${RG}/${kind}Services/default`,
      methods: {
        GET: { action: `${type}/read`, handle: async (c) => ({ status: 200, body: await get(c) }) },
        PUT: {
          action: `${type}/write`,
          handle: async (c) => {
            const s = await d.children.putService(addr(c), kind, c.body ?? {}, actorOf(c));
            return { status: 200, body: serviceWire(s.accountId, kind, s.props) };
          },
        },
      },
    },
  ];
}

function queueRoutes(d: StorageServiceRouteDeps): ArmRoute[] {
  const type = `${STORAGE_TYPE}/queueServices/queues`;
  const common = { resourceType: type, apiVersions: API_VERSIONS };
  const put = async (c: ArmCall) => {
    const r = await d.children.putQueue(addr(c), c.params['queue']!, c.body ?? {}, actorOf(c));
    return { status: 200, body: queueWire(r.accountId, r.queue) };
  };
  return [
    {
      ...common,
      pattern: `${RG}/queueServices/default/queues`,
      methods: {
        GET: {
          action: `${type}/read`,
          handle: async (c) => {
            const top = readTop(c.ctx, 100, 1000);
            const r = await d.children.listQueues(addr(c), top + 1, readSkipToken(c.ctx));
            const items = r.queues.slice(0, top);
            const next = r.queues.length > top ? items[items.length - 1]!.name : undefined;
            const value = items.map((q) => queueWire(r.accountId, q));
            return { status: 200, body: page(value, nextLink(d.baseUrl, c.ctx, next)) };
          },
        },
      },
    },
    {
      ...common,
      pattern: `${RG}/queueServices/default/queues/{queue}`,
      methods: {
        GET: {
          action: `${type}/read`,
          handle: async (c) => {
            const r = await d.children.getQueue(addr(c), c.params['queue']!);
            return { status: 200, body: queueWire(r.accountId, r.queue) };
          },
        },
        PUT: { action: `${type}/write`, handle: put },
        PATCH: { action: `${type}/write`, handle: put },
        DELETE: {
          action: `${type}/delete`,
          // Azure answers 204 whether or not it was there (the SDK expects exactly 204).
          handle: async (c) => {
            await d.children.deleteQueue(addr(c), c.params['queue']!, actorOf(c));
            return { status: 204 };
          },
        },
      },
    },
  ];
}

function tableRoutes(d: StorageServiceRouteDeps): ArmRoute[] {
  const type = `${STORAGE_TYPE}/tableServices/tables`;
  const common = { resourceType: type, apiVersions: API_VERSIONS };
  const put = async (c: ArmCall) => {
    const r = await d.children.putTable(addr(c), c.params['table']!, actorOf(c));
    return { status: 200, body: tableWire(r.accountId, r.table) };
  };
  return [
    {
      ...common,
      pattern: `${RG}/tableServices/default/tables`,
      methods: {
        GET: {
          action: `${type}/read`,
          handle: async (c) => {
            const top = readTop(c.ctx, 100, 1000);
            const r = await d.children.listTables(addr(c), top + 1, readSkipToken(c.ctx));
            const next = r.tables[top]?.name;
            const value = r.tables.slice(0, top).map((t) => tableWire(r.accountId, t));
            return { status: 200, body: page(value, nextLink(d.baseUrl, c.ctx, next)) };
          },
        },
      },
    },
    {
      ...common,
      pattern: `${RG}/tableServices/default/tables/{table}`,
      methods: {
        GET: {
          action: `${type}/read`,
          handle: async (c) => {
            const r = await d.children.getTable(addr(c), c.params['table']!);
            return { status: 200, body: tableWire(r.accountId, r.table) };
          },
        },
        PUT: { action: `${type}/write`, handle: put },
        PATCH: { action: `${type}/write`, handle: put },
        DELETE: {
          action: `${type}/delete`,
          // Azure answers 204 whether or not it was there (the SDK expects exactly 204).
          handle: async (c) => {
            await d.children.deleteTable(addr(c), c.params['table']!, actorOf(c));
            return { status: 204 };
          },
        },
      },
    },
  ];
}

/**
 * The queue and table services of a storage account in Resource Manager (Azure's QueueServices,
 * Queue, TableServices and Table operation groups); the rows are the data plane's (docs/data-planes.md).
 */
export function storageServiceRoutes(d: StorageServiceRouteDeps): ArmRoute[] {
  return [...serviceRoutes(d, 'queue'), ...serviceRoutes(d, 'table'), ...queueRoutes(d), ...tableRoutes(d)];
}
