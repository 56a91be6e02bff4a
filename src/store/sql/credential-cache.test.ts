import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ClientSecretRecord, PrincipalRecord } from '../records.js';
import type { PrincipalRepo } from '../store.js';
import { CachedPrincipalRepo, CredentialWrites } from './credential-cache.js';

const principal: PrincipalRecord = {
  objectId: 'o1',
  appId: 'App-1',
  tenantId: 't',
  displayName: 'app',
  kind: 'application',
  resourceId: null,
  createdAt: 0,
};
const secret: ClientSecretRecord = {
  id: 's1',
  principalObjectId: 'o1',
  hash: 'ab'.repeat(32),
  hint: 'abc',
  createdAt: 0,
  expiresAt: null,
};

/** A repository that counts its reads and can be held mid-read. */
function counting(): { repo: PrincipalRepo; reads: () => number; hold: (p: Promise<void>) => void } {
  let n = 0;
  let gate: Promise<void> = Promise.resolve();
  const repo = {
    getByAppIdWithSecrets: async (appId: string) => {
      n += 1;
      await gate;
      return appId.toLowerCase() === 'app-1' ? { principal: { ...principal }, secrets: [{ ...secret }] } : undefined;
    },
  } as unknown as PrincipalRepo;
  return { repo, reads: () => n, hold: (p) => (gate = p) };
}

test('a found application is read once until the next write, whatever the id case', async () => {
  const writes = new CredentialWrites();
  const inner = counting();
  const cache = new CachedPrincipalRepo(inner.repo, writes);
  const a = await cache.getByAppIdWithSecrets('app-1');
  assert.equal(await cache.getByAppIdWithSecrets('APP-1'), a);
  assert.equal(inner.reads(), 1);
  writes.bump();
  assert.notEqual(await cache.getByAppIdWithSecrets('app-1'), a);
  assert.equal(inner.reads(), 2);
});

test('unknown ids are never remembered, so they cannot fill the cache', async () => {
  const inner = counting();
  const cache = new CachedPrincipalRepo(inner.repo, new CredentialWrites());
  assert.equal(await cache.getByAppIdWithSecrets('nobody'), undefined);
  assert.equal(await cache.getByAppIdWithSecrets('nobody'), undefined);
  assert.equal(inner.reads(), 2);
});

test('a read during which a write happened is returned but not remembered', async () => {
  const writes = new CredentialWrites();
  const inner = counting();
  const cache = new CachedPrincipalRepo(inner.repo, writes);
  let release!: () => void;
  inner.hold(new Promise<void>((r) => (release = r)));
  const pending = cache.getByAppIdWithSecrets('app-1');
  writes.bump();
  release();
  assert.ok(await pending);
  await cache.getByAppIdWithSecrets('app-1');
  assert.equal(inner.reads(), 2);
});

test('what it hands out is frozen: one caller cannot change what the next one gets', async () => {
  const cache = new CachedPrincipalRepo(counting().repo, new CredentialWrites());
  const a = (await cache.getByAppIdWithSecrets('app-1'))!;
  assert.throws(() => {
    (a.secrets as ClientSecretRecord[]).push(secret);
  }, TypeError);
  assert.throws(() => {
    (a.principal as { tenantId: string }).tenantId = 'other';
  }, TypeError);
});
