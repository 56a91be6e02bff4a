import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentRecord, JoinTokenRecord } from '../../src/store/records.js';
import type { Store } from '../../src/store/store.js';
import { cmp } from './directory.contract.js';
import { assertConflict, computeResource, flipCase, mixedGuid, T0, useStore } from './fixtures.js';

const HOUR = 3_600_000;

/** Mixed-case ARM id of a compute resource; the resource itself need not exist in the store. */
const resourceId = (name = 'Vm-Agent'): string => computeResource(mixedGuid(), 'My-RG', name).id;

const joinToken = (resource: string, o: Partial<JoinTokenRecord> = {}): JoinTokenRecord => ({
  id: mixedGuid(),
  resourceId: resource,
  hash: 'cd'.repeat(32),
  ephemeral: false,
  createdBy: mixedGuid(),
  createdAt: T0 + 20,
  expiresAt: T0 + HOUR,
  usedAt: null,
  ...o,
});

const agent = (resource: string, o: Partial<AgentRecord> = {}): AgentRecord => ({
  id: mixedGuid(),
  resourceId: resource,
  publicJwk: {
    kty: 'EC',
    crv: 'P-256',
    x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
    y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
  },
  hostname: 'Build-Host-01.example',
  joinTokenId: mixedGuid(),
  createdAt: T0 + 21,
  expiresAt: null,
  ...o,
});

export function joinTokenContract(newStore: () => Promise<Store>): void {
  describe('joinTokens', () => {
    const store = useStore(newStore);

    it('create/get round-trips every field (booleans, nulls); get is case-insensitive', async () => {
      const r = resourceId();
      const plain = joinToken(r);
      const used = joinToken(r, { ephemeral: true, usedAt: T0 + 30, expiresAt: T0 + 2 * HOUR });
      await store().joinTokens.create(plain);
      await store().joinTokens.create(used);
      assert.deepEqual(await store().joinTokens.get(flipCase(plain.id)), plain);
      assert.deepEqual(await store().joinTokens.get(used.id.toUpperCase()), used);
      assert.equal(await store().joinTokens.get(mixedGuid()), undefined);
    });

    it('create conflicts on a duplicate id in any casing and keeps the first', async () => {
      const t = joinToken(resourceId());
      await store().joinTokens.create(t);
      await assertConflict(store().joinTokens.create(joinToken(resourceId(), { id: flipCase(t.id), ephemeral: true })));
      assert.deepEqual(await store().joinTokens.get(t.id), t);
    });

    it('a conflict caught inside a tx leaves the tx usable', async () => {
      const t = joinToken(resourceId());
      const u = joinToken(t.resourceId);
      await store().tx(async (tx) => {
        await tx.joinTokens.create(t);
        await assertConflict(tx.joinTokens.create({ ...t, hash: 'ee'.repeat(32) }));
        await tx.joinTokens.create(u);
      });
      assert.deepEqual(await store().joinTokens.get(t.id), t);
      assert.deepEqual(await store().joinTokens.get(u.id), u);
    });

    it('consume succeeds once, stamps usedAt and changes nothing else', async () => {
      const t = joinToken(resourceId(), { ephemeral: true });
      await store().joinTokens.create(t);
      assert.equal(await store().joinTokens.consume(flipCase(t.id), T0 + 100), true);
      assert.deepEqual(await store().joinTokens.get(t.id), { ...t, usedAt: T0 + 100 });
      assert.equal(await store().joinTokens.consume(t.id, T0 + 200), false);
      assert.deepEqual(await store().joinTokens.get(t.id), { ...t, usedAt: T0 + 100 });
      assert.equal(await store().joinTokens.consume(mixedGuid(), T0), false);
    });

    it('consume fails at and after expiry and leaves the token unused', async () => {
      const t = joinToken(resourceId());
      await store().joinTokens.create(t);
      assert.equal(await store().joinTokens.consume(t.id, t.expiresAt), false);
      assert.equal(await store().joinTokens.consume(t.id, t.expiresAt + 1), false);
      assert.deepEqual(await store().joinTokens.get(t.id), t);
      assert.equal(await store().joinTokens.consume(t.id, t.expiresAt - 1), true);
    });

    it('concurrent consumes of one token: exactly one wins, and its time is recorded', async () => {
      const t = joinToken(resourceId());
      await store().joinTokens.create(t);
      const times = [1, 2, 3, 4, 5, 6].map((i) => T0 + 1000 + i);
      const results = await Promise.all(times.map((now) => store().joinTokens.consume(t.id, now)));
      assert.equal(results.filter(Boolean).length, 1);
      const winner = times[results.indexOf(true)];
      assert.deepEqual(await store().joinTokens.get(t.id), { ...t, usedAt: winner });
    });

    it('deleteForResource deletes every token of the resource (any casing), counts them and spares others', async () => {
      const r = resourceId();
      const mine = [
        joinToken(r),
        joinToken(flipCase(r), { usedAt: T0 + 1 }),
        joinToken(r.toUpperCase(), { ephemeral: true }),
      ];
      const other = joinToken(resourceId());
      for (const t of [...mine, other]) await store().joinTokens.create(t);
      assert.equal(await store().joinTokens.deleteForResource(r.toLowerCase()), 3);
      assert.equal(await store().joinTokens.deleteForResource(r), 0);
      for (const t of mine) assert.equal(await store().joinTokens.get(t.id), undefined);
      assert.deepEqual(await store().joinTokens.get(other.id), other);
    });

    it("countOutstanding counts a resource's unused, unexpired tokens in any casing", async () => {
      const r = resourceId();
      const now = T0 + 10 * HOUR;
      const counted = [
        joinToken(r, { expiresAt: now + 1 }),
        joinToken(flipCase(r), { expiresAt: now + HOUR, ephemeral: true }),
      ];
      const notCounted = [
        joinToken(r, { expiresAt: now }),
        joinToken(r, { expiresAt: now + HOUR, usedAt: T0 + 1 }),
        joinToken(resourceId(), { expiresAt: now + HOUR }),
      ];
      for (const t of [...counted, ...notCounted]) await store().joinTokens.create(t);
      assert.equal(await store().joinTokens.countOutstanding(r.toUpperCase(), now), 2);
      assert.equal(await store().joinTokens.countOutstanding(r, now + HOUR), 0);
      assert.equal(await store().joinTokens.countOutstanding(resourceId('Vm-None'), now), 0);
    });

    it('deleteExpired deletes tokens with expiresAt <= now, used or not, and counts them', async () => {
      // The table is shared by the whole group: empty it first so the count is this test's.
      await store().joinTokens.deleteExpired(Number.MAX_SAFE_INTEGER);
      const now = T0 + 100 * HOUR;
      const r = resourceId();
      const gone = [
        joinToken(r, { expiresAt: now - 1 }),
        joinToken(r, { expiresAt: now, usedAt: T0 + 5 }),
        joinToken(r, { expiresAt: T0 }),
      ];
      const kept = [joinToken(r, { expiresAt: now + 1 }), joinToken(r, { expiresAt: now + HOUR, usedAt: T0 + 6 })];
      for (const t of [...gone, ...kept]) await store().joinTokens.create(t);
      assert.equal(await store().joinTokens.deleteExpired(now), 3);
      for (const t of gone) assert.equal(await store().joinTokens.get(t.id), undefined);
      for (const t of kept) assert.deepEqual(await store().joinTokens.get(t.id), t);
      assert.equal(await store().joinTokens.deleteExpired(now), 0);
    });
  });
}

export function agentContract(newStore: () => Promise<Store>): void {
  describe('agents', () => {
    const store = useStore(newStore);
    const order = (x: AgentRecord, y: AgentRecord): number =>
      x.createdAt - y.createdAt || cmp(x.id.toLowerCase(), y.id.toLowerCase());

    it('create/get round-trips every field (nested JWK, nulls); get is case-insensitive', async () => {
      const r = resourceId();
      const permanent = agent(r);
      const ephemeral = agent(r, { expiresAt: T0 + 24 * HOUR, hostname: 'ünïcode-host' });
      await store().agents.create(permanent);
      await store().agents.create(ephemeral);
      assert.deepEqual(await store().agents.get(flipCase(permanent.id)), permanent);
      assert.deepEqual(await store().agents.get(ephemeral.id.toLowerCase()), ephemeral);
      assert.equal(await store().agents.get(mixedGuid()), undefined);
    });

    it('create conflicts on a duplicate id in any casing and keeps the first', async () => {
      const a = agent(resourceId());
      await store().agents.create(a);
      await assertConflict(store().agents.create(agent(resourceId(), { id: flipCase(a.id), hostname: 'other' })));
      assert.deepEqual(await store().agents.get(a.id), a);
    });

    it('listForResource is case-insensitive, ordered by createdAt then id, and only that resource', async () => {
      const r = resourceId('Vm-List');
      // Ties on createdAt, inserted against the expected order, with ids whose order depends on
      // case ('B' < 'a' < 'c' bytewise, 'a' < 'b' < 'c' lower-cased): ties go by lower-cased id.
      const tied = (first: string, o: Partial<AgentRecord> = {}) =>
        agent(r, { id: first + mixedGuid().slice(1), createdAt: T0 + 2, ...o });
      const made = [
        agent(r, { createdAt: T0 + 3 }),
        tied('c'),
        tied('B', { expiresAt: T0 + HOUR }),
        agent(flipCase(r), { createdAt: T0 + 1 }),
        tied('a'),
      ];
      for (const a of made) await store().agents.create(a);
      await store().agents.create(agent(resourceId('Vm-List')));
      assert.deepEqual(await store().agents.listForResource(flipCase(r)), [...made].sort(order));
      assert.deepEqual(await store().agents.listForResource(resourceId()), []);
    });

    it('delete returns true once, then false', async () => {
      const a = agent(resourceId());
      const b = agent(a.resourceId);
      await store().agents.create(a);
      await store().agents.create(b);
      assert.equal(await store().agents.delete(flipCase(a.id)), true);
      assert.equal(await store().agents.delete(a.id), false);
      assert.equal(await store().agents.get(a.id), undefined);
      assert.deepEqual(await store().agents.listForResource(a.resourceId), [b]);
    });

    it('deleteForResource deletes every agent of the resource (any casing), counts them and spares others', async () => {
      const r = resourceId();
      for (const a of [agent(r), agent(r.toUpperCase()), agent(flipCase(r), { expiresAt: T0 })])
        await store().agents.create(a);
      const other = agent(resourceId());
      await store().agents.create(other);
      assert.equal(await store().agents.deleteForResource(flipCase(r)), 3);
      assert.equal(await store().agents.deleteForResource(r), 0);
      assert.deepEqual(await store().agents.listForResource(r), []);
      assert.deepEqual(await store().agents.get(other.id), other);
    });

    it('deleteExpired deletes agents with expiresAt <= now, never permanent ones, and counts them', async () => {
      // The table is shared by the whole group: purge earlier tests' expiring agents first.
      await store().agents.deleteExpired(Number.MAX_SAFE_INTEGER);
      const now = T0 + 100 * HOUR;
      const r = resourceId();
      const gone = [
        agent(r, { expiresAt: now - 1, createdAt: T0 + 1 }),
        agent(r, { expiresAt: now, createdAt: T0 + 2 }),
      ];
      const kept = [
        agent(r, { expiresAt: now + 1, createdAt: T0 + 3 }),
        agent(r, { expiresAt: null, createdAt: T0 + 4 }),
      ];
      for (const a of [...gone, ...kept]) await store().agents.create(a);
      assert.equal(await store().agents.deleteExpired(now), 2);
      assert.deepEqual(await store().agents.listForResource(r), kept);
      assert.equal(await store().agents.deleteExpired(now), 0);
      assert.equal(await store().agents.deleteExpired(Number.MAX_SAFE_INTEGER), 1);
      assert.deepEqual(await store().agents.listForResource(r), [kept[1]]);
    });
  });
}
