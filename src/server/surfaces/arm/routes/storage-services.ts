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

/** How one kind of child (queues or tables) is read, written and shown. */
interface ChildKind<R> {
  kind: ServiceKind;
  wire: (accountId: string, r: R) => object;
  /** One page of `top` and the continuation to the next, if any. */
  list: (a: AccountAddress, top: number, cursor?: string) => Promise<{ accountId: string; items: R[]; next?: string }>;
  get: (a: AccountAddress, name: string) => Promise<{ accountId: string; item: R }>;
  put: (c: ArmCall, a: AccountAddress, name: string) => Promise<{ accountId: string; item: R }>;
  remove: (c: ArmCall, a: AccountAddress, name: string) => Promise<boolean>;
}

/** `…/{kind}Services/default/{kind}s` (GET) and `…/{kind}s/{child}` (GET, PUT, PATCH, DELETE). */
function childRoutes<R>(d: StorageServiceRouteDeps, k: ChildKind<R>): ArmRoute[] {
  const type = `${STORAGE_TYPE}/${k.kind}Services/${k.kind}s`;
  const common = { resourceType: type, apiVersions: API_VERSIONS };
  const base = `${RG}/${k.kind}Services/default/${k.kind}s`;
  const put = async (c: ArmCall) => {
    const r = await k.put(c, addr(c), c.params['child']!);
    return { status: 200, body: k.wire(r.accountId, r.item) };
  };
  const list = async (c: ArmCall) => {
    const r = await k.list(addr(c), readTop(c.ctx, 100, 1000), readSkipToken(c.ctx));
    const value = r.items.map((x) => k.wire(r.accountId, x));
    return { status: 200, body: page(value, nextLink(d.baseUrl, c.ctx, r.next)) };
  };
  const get = async (c: ArmCall) => {
    const r = await k.get(addr(c), c.params['child']!);
    return { status: 200, body: k.wire(r.accountId, r.item) };
  };
  return [
    { ...common, pattern: base, methods: { GET: { action: `${type}/read`, handle: list } } },
    {
      ...common,
      pattern: `${base}/{child}`,
      methods: {
        GET: { action: `${type}/read`, handle: get },
        PUT: { action: `${type}/write`, handle: put },
        PATCH: { action: `${type}/write`, handle: put },
        DELETE: {
          action: `${type}/delete`,
          // Azure answers 204 whether or not it was there (the SDK expects exactly 204).
          handle: async (c) => {
            await k.remove(c, addr(c), c.params['child']!);
            return { status: 204 };
          },
        },
      },
    },
  ];
}

/** Queues list after the last name of a page; tables from the first name of the next (store contracts). */
const queues = (d: StorageServiceRouteDeps): ChildKind<QueueRecord> => ({
  kind: 'queue',
  wire: queueWire,
  list: async (a, top, cursor) => {
    const r = await d.children.listQueues(a, top + 1, cursor);
    const items = r.queues.slice(0, top);
    return { accountId: r.accountId, items, ...(r.queues.length > top ? { next: items[top - 1]!.name } : {}) };
  },
  get: async (a, name) => {
    const r = await d.children.getQueue(a, name);
    return { accountId: r.accountId, item: r.queue };
  },
  put: async (c, a, name) => {
    const r = await d.children.putQueue(a, name, c.body ?? {}, actorOf(c));
    return { accountId: r.accountId, item: r.queue };
  },
  remove: (c, a, name) => d.children.deleteQueue(a, name, actorOf(c)),
});

const tables = (d: StorageServiceRouteDeps): ChildKind<TableRecord> => ({
  kind: 'table',
  wire: tableWire,
  list: async (a, top, cursor) => {
    const r = await d.children.listTables(a, top + 1, cursor);
    const next = r.tables[top]?.name;
    return { accountId: r.accountId, items: r.tables.slice(0, top), ...(next ? { next } : {}) };
  },
  get: async (a, name) => {
    const r = await d.children.getTable(a, name);
    return { accountId: r.accountId, item: r.table };
  },
  put: async (c, a, name) => {
    const r = await d.children.putTable(a, name, actorOf(c));
    return { accountId: r.accountId, item: r.table };
  },
  remove: (c, a, name) => d.children.deleteTable(a, name, actorOf(c)),
});

/**
 * The queue and table services of a storage account in Resource Manager (Azure's QueueServices,
 * Queue, TableServices and Table operation groups); the rows are the data plane's (docs/data-planes.md).
 */
export function storageServiceRoutes(d: StorageServiceRouteDeps): ArmRoute[] {
  return [
    ...serviceRoutes(d, 'queue'),
    ...serviceRoutes(d, 'table'),
    ...childRoutes(d, queues(d)),
    ...childRoutes(d, tables(d)),
  ];
}
