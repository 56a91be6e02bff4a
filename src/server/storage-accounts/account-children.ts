import { conflict, invalid, isDomainError, notFound } from '../../kernel/errors.js';
import type { QueueRecord } from '../../store/queues.js';
import type { StoreRepos } from '../../store/store.js';
import type { TableRecord } from '../../store/tables.js';
import type { Actor } from '../audit/changes.js';
import { changeInTransaction } from '../audit/changes-batch.js';
import { STORAGE_TYPE, type AccountAddress, type StorageAccountService } from './accounts.js';
import {
  checkServiceProperties,
  SERVICE_BODY_KEY,
  servicePropertiesOf,
  type ServiceKind,
  type ServiceProperties,
} from './service-properties.js';

/** Azure's names: queues 3–63 lower-case letters, digits and single hyphens; tables 3–63 alphanumerics from a letter. */
export const QUEUE_NAME = /^[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]$/;
export const TABLE_NAME = /^[A-Za-z][A-Za-z0-9]{2,62}$/;
/** Azure's metadata names are C# identifiers; values are strings. */
const META_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,255}$/;

export const serviceIdOf = (accountId: string, kind: ServiceKind): string => `${accountId}/${kind}Services/default`;
export const queueIdOf = (accountId: string, name: string): string =>
  `${serviceIdOf(accountId, 'queue')}/queues/${name}`;
export const tableIdOf = (accountId: string, name: string): string =>
  `${serviceIdOf(accountId, 'table')}/tables/${name}`;

function metadataOf(body: unknown): Record<string, string> {
  const props = (body as Record<string, unknown> | undefined)?.['properties'];
  const m = (props as Record<string, unknown> | undefined)?.['metadata'] ?? {};
  if (typeof m !== 'object' || m === null || Array.isArray(m))
    throw invalid("'properties.metadata' must be an object of strings.", { code: 'InvalidRequestContent' });
  const entries = Object.entries(m as Record<string, unknown>);
  if (entries.length > 64 || !entries.every(([k, v]) => META_NAME.test(k) && typeof v === 'string' && v.length <= 8192))
    throw invalid("'properties.metadata' must map identifiers to strings.", { code: 'InvalidRequestContent' });
  return Object.fromEntries(entries.map(([k, v]) => [k.toLowerCase(), v as string]));
}

/**
 * The queue and table services of an account as ARM child resources
 * (`…/queueServices/default[/queues/{q}]`, `…/tableServices/default[/tables/{t}]`). Queues and
 * tables are the data plane's own rows, so either side sees what the other made; they go with the
 * account (the store cascades). Every write logs its activity row in its own transaction.
 */
export class AccountChildren {
  constructor(private readonly accounts: StorageAccountService) {}

  async service(a: AccountAddress, kind: ServiceKind): Promise<{ accountId: string; props: ServiceProperties }> {
    const r = await this.accounts.get(a);
    return { accountId: r.id, props: servicePropertiesOf(r, kind) };
  }

  async putService(a: AccountAddress, kind: ServiceKind, body: unknown, actor: Actor) {
    const props = checkServiceProperties(body);
    return changeInTransaction(this.accounts, actor, async (tx, batch) => {
      const r = await this.accounts.get(a, tx);
      await tx.storageAccounts.update({
        ...r,
        body: { ...r.body, [SERVICE_BODY_KEY[kind]]: props },
        updatedAt: this.accounts.clock.now(),
      });
      batch.add(`${STORAGE_TYPE}/${kind}Services/write`, serviceIdOf(r.id, kind));
      return { accountId: r.id, props };
    });
  }

  /** Creates the queue, or replaces its metadata when it exists (Azure's Queue - Create). */
  async putQueue(a: AccountAddress, name: string, body: unknown, actor: Actor) {
    if (!QUEUE_NAME.test(name)) throw invalid(`'${name}' is not a valid queue name.`, { code: 'InvalidResourceName' });
    const metadata = metadataOf(body);
    return changeInTransaction(this.accounts, actor, async (tx, batch) => {
      const r = await this.accounts.get(a, tx);
      const existing = await tx.queues.getQueue(r.name, name);
      if (existing) await tx.queues.setQueueMetadata(r.name, name, metadata);
      else await tx.queues.createQueue({ account: r.name, name, metadata, createdAt: this.accounts.clock.now() });
      batch.add(`${STORAGE_TYPE}/queueServices/queues/write`, queueIdOf(r.id, name), { created: !existing });
      return { accountId: r.id, queue: { ...(existing ?? { account: r.name, name }), metadata } as QueueRecord };
    });
  }

  async getQueue(a: AccountAddress, name: string) {
    const r = await this.accounts.get(a);
    const queue = await this.accounts.store.queues.getQueue(r.name, name);
    if (!queue) throw notFound(`The queue '${name}' does not exist.`, { code: 'ResourceNotFound' });
    return { accountId: r.id, queue };
  }

  async listQueues(a: AccountAddress, limit: number, after?: string) {
    const r = await this.accounts.get(a);
    return { accountId: r.id, queues: await this.accounts.store.queues.listQueues(r.name, '', limit, after) };
  }

  /** True when the queue was there (and an activity row was written). */
  deleteQueue(a: AccountAddress, name: string, actor: Actor): Promise<boolean> {
    return this.deleteChild(a, actor, 'queue', (tx, account) => tx.queues.deleteQueue(account, name), name);
  }

  /** Creates the table; an existing one (in any case) is answered as it is. */
  async putTable(a: AccountAddress, name: string, actor: Actor) {
    if (!TABLE_NAME.test(name)) throw invalid(`'${name}' is not a valid table name.`, { code: 'InvalidResourceName' });
    return changeInTransaction(this.accounts, actor, async (tx, batch) => {
      const r = await this.accounts.get(a, tx);
      let table = await tx.tables.getTable(r.name, name);
      if (!table) {
        table = { account: r.name, name, createdAt: this.accounts.clock.now() };
        await this.createTable(tx, table);
      }
      batch.add(`${STORAGE_TYPE}/tableServices/tables/write`, tableIdOf(r.id, table.name));
      return { accountId: r.id, table };
    });
  }

  private async createTable(tx: StoreRepos, table: TableRecord): Promise<void> {
    try {
      await tx.tables.createTable(table);
    } catch (e) {
      if (isDomainError(e) && e.kind === 'conflict') throw conflict(`The table '${table.name}' already exists.`);
      throw e;
    }
  }

  async getTable(a: AccountAddress, name: string) {
    const r = await this.accounts.get(a);
    const table = await this.accounts.store.tables.getTable(r.name, name);
    if (!table) throw notFound(`The table '${name}' does not exist.`, { code: 'ResourceNotFound' });
    return { accountId: r.id, table };
  }

  async listTables(a: AccountAddress, limit: number, from?: string) {
    const r = await this.accounts.get(a);
    return { accountId: r.id, tables: await this.accounts.store.tables.listTables(r.name, limit, from) };
  }

  deleteTable(a: AccountAddress, name: string, actor: Actor): Promise<boolean> {
    return this.deleteChild(a, actor, 'table', (tx, account) => tx.tables.deleteTable(account, name), name);
  }

  private deleteChild(
    a: AccountAddress,
    actor: Actor,
    kind: ServiceKind,
    remove: (tx: StoreRepos, account: string) => Promise<boolean>,
    name: string,
  ): Promise<boolean> {
    return changeInTransaction(this.accounts, actor, async (tx, batch) => {
      const r = await this.accounts.get(a, tx);
      const gone = await remove(tx, r.name);
      const id = `${serviceIdOf(r.id, kind)}/${kind}s/${name}`;
      if (gone) batch.add(`${STORAGE_TYPE}/${kind}Services/${kind}s/delete`, id);
      return gone;
    });
  }
}
