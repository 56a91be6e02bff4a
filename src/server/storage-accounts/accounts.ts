import { randomBytes } from 'node:crypto';
import type { Clock } from '../../kernel/clock.js';
import { invalid } from '../../kernel/errors.js';
import { seal, unseal } from '../../kernel/sealing.js';
import { requireResource, requireScope } from '../resource-base/scope-checks.js';
import { normalizeLocation } from '../resource-base/locations.js';
import { checkTags } from '../resource-base/tags.js';
import type { Page, ResourceListing, Store, StoreRepos } from '../../store/store.js';
import type { Actor, ChangeRecorder } from '../audit/changes.js';
import { changeInTransaction } from '../audit/changes-batch.js';
import type { StorageAccountKey, StorageAccountRecord } from '../../store/storage.js';
import { checkHns, keepHns } from './hns.js';
import { keepServiceProperties, SERVICE_BODY_KEY } from './service-properties.js';
export { hnsEnabled } from './hns.js';

export const STORAGE_TYPE = 'Microsoft.Storage/storageAccounts';
export type KeyName = 'key1' | 'key2';

export interface AccountAddress {
  subscriptionId: string;
  resourceGroup: string;
  name: string;
}

/** Azure's rule; also what makes the name a valid DNS label. */
const NAME = /^[a-z0-9]{3,24}$/;
const RESERVED = new Set(['id', 'name', 'type', 'location', 'tags', ...Object.values(SERVICE_BODY_KEY)]);

const invalidNameMessage = (name: string) =>
  `${name} is not a valid storage account name. Storage account name must be between 3 and 24 characters in length and use numbers and lower-case letters only.`;

export const accountIdOf = (a: AccountAddress): string =>
  `/subscriptions/${a.subscriptionId}/resourceGroups/${a.resourceGroup}/providers/${STORAGE_TYPE}/${a.name}`;

/**
 * `properties.allowSharedKeyAccess`: null or absent means true (Azure's default). When false the
 * blob plane refuses Shared Key and every SAS signed with an account key; the keys themselves stay
 * listable and rotatable over ARM, as in Azure, so access can be turned back on without new keys.
 */
export function sharedKeyAccessAllowed(r: StorageAccountRecord): boolean {
  const props = r.body['properties'];
  return !(
    typeof props === 'object' &&
    props !== null &&
    (props as Record<string, unknown>)['allowSharedKeyAccess'] === false
  );
}

function checkProperties(b: Record<string, unknown>): void {
  const props = b['properties'];
  if (props === undefined || props === null) return;
  if (typeof props !== 'object' || Array.isArray(props))
    throw invalid("'properties' must be a JSON object.", { code: 'InvalidRequestContent' });
  const v = (props as Record<string, unknown>)['allowSharedKeyAccess'];
  if (v !== undefined && v !== null && typeof v !== 'boolean') {
    throw invalid(
      `'properties.allowSharedKeyAccess' must be true or false (or null, which means true), not ${JSON.stringify(v).slice(0, 40)}.`,
      { code: 'InvalidRequestContent' },
    );
  }
}

/** A fresh 512-bit account key, base64 like Azure's (88 characters). */
const newKey = (): string => randomBytes(64).toString('base64');

/**
 * Storage accounts and their two shared keys. Keys are sealed with the master key, the
 * account id and key name as AAD, so a row copied to another account does not decrypt.
 */
export class StorageAccountService {
  constructor(
    readonly store: Store,
    readonly clock: Clock,
    private readonly masterKey: Buffer,
    /** Hears of each write after it committed; its activity row is written by the write's own transaction. */
    readonly recorder: ChangeRecorder,
  ) {}

  async get(a: AccountAddress, repos: StoreRepos = this.store): Promise<StorageAccountRecord> {
    return requireResource(repos, a, STORAGE_TYPE, await repos.storageAccounts.get(accountIdOf(a)));
  }

  /** checkNameAvailability in Azure's words: account names are global, as they are the blob host's label. */
  async nameAvailability(
    name: string,
  ): Promise<{ nameAvailable: boolean; reason?: 'AccountNameInvalid' | 'AlreadyExists'; message?: string }> {
    if (!NAME.test(name))
      return { nameAvailable: false, reason: 'AccountNameInvalid', message: invalidNameMessage(name) };
    if (await this.store.storageAccounts.getByName(name))
      return {
        nameAvailable: false,
        reason: 'AlreadyExists',
        message: `The storage account named ${name} is already taken.`,
      };
    return { nameAvailable: true };
  }

  /** The store, for the subscription check of subscription-level operations. */
  get repos(): Store {
    return this.store;
  }

  list(where: ResourceListing, limit: number, after?: string): Promise<Page<StorageAccountRecord>> {
    return this.store.storageAccounts.list(where, limit, after);
  }

  async put(
    a: AccountAddress,
    body: unknown,
    actor: Actor,
  ): Promise<{ record: StorageAccountRecord; created: boolean }> {
    if (!NAME.test(a.name)) throw invalid(invalidNameMessage(a.name), { code: 'AccountNameInvalid' });
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw invalid('The request content must be a JSON object.', { code: 'InvalidRequestContent' });
    const b = body as Record<string, unknown>;
    checkProperties(b);
    return changeInTransaction(this, actor, async (tx, batch) => {
      const result = await this.upsert(tx, a, b);
      batch.add(`${STORAGE_TYPE}/write`, result.record.id, { created: result.created, tags: result.record.tags });
      return result;
    });
  }

  private async upsert(
    tx: StoreRepos,
    a: AccountAddress,
    b: Record<string, unknown>,
  ): Promise<{ record: StorageAccountRecord; created: boolean }> {
    await requireScope(tx, a.subscriptionId, a.resourceGroup);
    const existing = await tx.storageAccounts.get(accountIdOf(a));
    const now = this.clock.now();
    const rest = Object.fromEntries(Object.entries(b).filter(([k]) => !RESERVED.has(k)));
    checkHns(b, existing);
    if (existing) {
      const record = {
        ...existing,
        tags: b['tags'] === undefined ? existing.tags : checkTags(b['tags']),
        body: keepServiceProperties(keepHns(rest, existing), existing),
        updatedAt: now,
      };
      await tx.storageAccounts.update(record);
      return { record, created: false };
    }
    if (typeof b['location'] !== 'string')
      throw invalid("The 'location' property is required.", { code: 'LocationRequired' });
    const id = accountIdOf(a);
    const record: StorageAccountRecord = {
      id,
      subscriptionId: a.subscriptionId,
      resourceGroup: a.resourceGroup,
      name: a.name,
      location: normalizeLocation(b['location']),
      tags: checkTags(b['tags'] ?? {}),
      body: rest,
      keys: (['key1', 'key2'] as const).map((k) => this.sealKey(id, k, newKey(), now)),
      createdAt: now,
      updatedAt: now,
    };
    await tx.storageAccounts.create(record);
    return { record, created: true };
  }

  /**
   * PATCH (`storageAccounts.update`, `az storage account update`): tags are replaced when given,
   * `properties` merged key by key, other top-level fields (sku, kind) replaced; location is fixed.
   */
  async patch(a: AccountAddress, body: unknown, actor: Actor): Promise<StorageAccountRecord> {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw invalid('The request content must be a JSON object, e.g. {"tags":{"env":"test"}}.', {
        code: 'InvalidRequestContent',
      });
    const b = body as Record<string, unknown>;
    return changeInTransaction(this, actor, async (tx, batch) => {
      const existing = await this.get(a, tx);
      checkHns(b, existing);
      const rest = Object.fromEntries(Object.entries(b).filter(([k]) => !RESERVED.has(k)));
      const props = {
        ...(existing.body['properties'] as object | undefined),
        ...(rest['properties'] as object | undefined),
      };
      const record = {
        ...existing,
        tags: b['tags'] === undefined ? existing.tags : checkTags(b['tags']),
        body: { ...existing.body, ...rest, properties: props },
        updatedAt: this.clock.now(),
      };
      await tx.storageAccounts.update(record);
      batch.add(`${STORAGE_TYPE}/write`, record.id, { created: false, tags: record.tags });
      return record;
    });
  }

  /** The keys in clear, in key1, key2 order. */
  keysOf(r: StorageAccountRecord): { keyName: KeyName; value: string; creationTime: number }[] {
    return r.keys
      .map((k) => ({
        keyName: k.keyName,
        value: unseal(this.masterKey, k.sealed, `${r.id.toLowerCase()}/${k.keyName}`).toString('utf8'),
        creationTime: k.creationTime,
      }))
      .sort((x, y) => x.keyName.localeCompare(y.keyName));
  }

  keyOf(r: StorageAccountRecord, name: KeyName): string {
    return this.keysOf(r).find((k) => k.keyName === name)!.value;
  }

  async regenerate(a: AccountAddress, keyName: unknown, actor: Actor): Promise<StorageAccountRecord> {
    if (keyName !== 'key1' && keyName !== 'key2')
      throw invalid(`Invalid keyName '${String(keyName)}': expected key1 or key2.`, {
        code: 'InvalidValuesForRequestParameters',
      });
    return changeInTransaction(this, actor, async (tx, batch) => {
      const r = await this.get(a, tx);
      const now = this.clock.now();
      const keys = r.keys.map((k) => (k.keyName === keyName ? this.sealKey(r.id, keyName, newKey(), now) : k));
      const next = { ...r, keys, updatedAt: now };
      await tx.storageAccounts.update(next);
      // The key name only: values never reach the activity log.
      batch.add(`${STORAGE_TYPE}/regeneratekey/action`, next.id, { keyName });
      return next;
    });
  }

  /** For the data plane: the account by host label with its keys in clear. */
  async resolve(name: string): Promise<{ record: StorageAccountRecord; keys: string[] } | undefined> {
    const record = await this.store.storageAccounts.getByName(name);
    return record && { record, keys: this.keysOf(record).map((k) => k.value) };
  }

  private sealKey(accountId: string, keyName: KeyName, value: string, now: number): StorageAccountKey {
    return {
      keyName,
      sealed: seal(this.masterKey, Buffer.from(value, 'utf8'), `${accountId.toLowerCase()}/${keyName}`),
      creationTime: now,
    };
  }
}
