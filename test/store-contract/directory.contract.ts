import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../../src/store/store.js';
import { assertConflict, flipCase, subscription, T0, tenant, useStore } from './fixtures.js';

export function metaContract(newStore: () => Promise<Store>): void {
  describe('meta', () => {
    const store = useStore(newStore);

    it('get returns undefined for an absent key', async () => {
      assert.equal(await store().meta.get('absent'), undefined);
    });

    it('set stores and overwrites; keys are case-sensitive', async () => {
      await store().meta.set('k', 'v1');
      assert.equal(await store().meta.get('k'), 'v1');
      await store().meta.set('k', 'v2');
      assert.equal(await store().meta.get('k'), 'v2');
      assert.equal(await store().meta.get('K'), undefined);
    });

    it('setIfAbsent: the first writer wins', async () => {
      assert.equal(await store().meta.setIfAbsent('default-tenant', 'first'), 'first');
      assert.equal(await store().meta.setIfAbsent('default-tenant', 'second'), 'first');
      assert.equal(await store().meta.get('default-tenant'), 'first');
    });

    it('setIfAbsent: concurrent writers all read back the same single winner', async () => {
      const values = ['a', 'b', 'c', 'd', 'e'];
      const got = await Promise.all(values.map((v) => store().meta.setIfAbsent('race', v)));
      const stored = await store().meta.get('race');
      assert.ok(stored !== undefined && values.includes(stored));
      assert.deepEqual(
        got,
        values.map(() => stored),
      );
    });
  });
}

export function tenantContract(newStore: () => Promise<Store>): void {
  describe('tenants', () => {
    const store = useStore(newStore);

    it('round-trips every field and looks up case-insensitively, keeping the original casing', async () => {
      const t = tenant({ displayName: 'Fabrikam – Ünïcode' });
      await store().tenants.create(t);
      assert.deepEqual(await store().tenants.get(t.id), t);
      assert.deepEqual(await store().tenants.get(t.id.toUpperCase()), t);
      assert.deepEqual(await store().tenants.get(t.id.toLowerCase()), t);
    });

    it('get returns undefined when absent', async () => {
      assert.equal(await store().tenants.get('00000000-0000-0000-0000-000000000000'), undefined);
    });

    it('create conflicts on a duplicate id in any casing and keeps the first row', async () => {
      const t = tenant();
      await store().tenants.create(t);
      await assertConflict(store().tenants.create({ ...t, id: flipCase(t.id), displayName: 'other' }));
      assert.deepEqual(await store().tenants.get(t.id), t);
    });

    it('list returns every tenant ordered by lower-cased id', async () => {
      const before = await store().tenants.list();
      const added = [
        tenant({ id: 'BBB-tenant' }),
        tenant({ id: 'aaa-tenant' }),
        tenant({ id: 'Ccc-tenant', createdAt: T0 }),
      ];
      for (const t of added) await store().tenants.create(t);
      const all = await store().tenants.list();
      const expected = [...before, ...added].sort((a, b) => cmp(a.id.toLowerCase(), b.id.toLowerCase()));
      assert.deepEqual(all, expected);
    });
  });
}

export function subscriptionContract(newStore: () => Promise<Store>): void {
  describe('subscriptions', () => {
    const store = useStore(newStore);

    it('round-trips every field in both states, case-insensitively', async () => {
      const enabled = subscription();
      const disabled = subscription({ state: 'Disabled', displayName: 'Old one', createdAt: T0 + 123_456 });
      await store().subscriptions.create(enabled);
      await store().subscriptions.create(disabled);
      assert.deepEqual(await store().subscriptions.get(flipCase(enabled.id)), enabled);
      assert.deepEqual(await store().subscriptions.get(disabled.id), disabled);
    });

    it('get returns undefined when absent', async () => {
      assert.equal(await store().subscriptions.get('no-such-subscription'), undefined);
    });

    it('create conflicts on a duplicate id in any casing', async () => {
      const s = subscription();
      await store().subscriptions.create(s);
      await assertConflict(store().subscriptions.create({ ...s, id: s.id.toUpperCase() }));
      assert.deepEqual(await store().subscriptions.get(s.id), s);
    });

    it('list returns every subscription ordered by lower-cased id', async () => {
      const before = await store().subscriptions.list();
      const added = [subscription({ id: 'Zed' }), subscription({ id: 'alpha' }), subscription({ id: 'MIDDLE' })];
      for (const s of added) await store().subscriptions.create(s);
      const expected = [...before, ...added].sort((a, b) => cmp(a.id.toLowerCase(), b.id.toLowerCase()));
      assert.deepEqual(await store().subscriptions.list(), expected);
    });
  });
}

/** Code-unit order, which equals byte order for the ASCII used here (and SQLite BINARY / PostgreSQL "C"). */
export const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
