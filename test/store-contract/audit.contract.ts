import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { chainHash } from '../../src/store/sql/audit-chain.js';
import type { AuditAppend, Store } from '../../src/store/store.js';
import { T0, useStore } from './fixtures.js';

const activityRow = (i: number, o: Partial<Record<string, string>> = {}): AuditAppend => ({
  at: T0 + i,
  data: JSON.stringify({ i }),
  keys: {
    subscription_key: 'sub-a',
    resource_group_key: 'rg-1',
    resource_key: `/r/${i}`,
    correlation_key: `c-${i % 2}`,
    caller_key: 'me',
    ...o,
  },
});

export function auditContract(newStore: () => Promise<Store>): void {
  describe('audit', () => {
    const store = useStore(newStore);

    it('append numbers rows from 1 in lane 0 and chains each hash to the previous one and the head', async () => {
      await store().tx((tx) => tx.audit.append('activity', [activityRow(1), activityRow(2)]));
      await store().tx((tx) => tx.audit.append('activity', [activityRow(3)]));
      const rows = await store().audit.scan('activity', 0, 10);
      assert.deepEqual(
        rows.map((r) => [r.seq, r.lane, r.laneSeq]),
        [
          [1, 0, 1],
          [2, 0, 2],
          [3, 0, 3],
        ],
      );
      let prev = '';
      for (const r of rows) {
        assert.equal(r.prevHash, prev);
        assert.equal(r.hash, chainHash(prev, r.seq, r.at, r.data));
        prev = r.hash;
      }
      assert.deepEqual(await store().audit.heads('activity'), [
        { lane: 0, seq: 3, hash: prev, baseSeq: 0, baseHash: '' },
      ]);
      assert.deepEqual(await store().audit.scanLane('activity', 0, 1, 10), rows.slice(1));
      assert.deepEqual(
        (await store().audit.heads('signIns')).map((h) => h.seq),
        [0],
        'each log has its own chains',
      );
    });

    it('concurrent appends never fork a lane: each lane is one chain, seqs are unique', async () => {
      const before = await store().audit.heads('activity');
      const lastSeq = (await store().audit.query('activity', {}, 1)).items[0]?.seq ?? 0;
      await Promise.all(
        Array.from({ length: 8 }, (_v, i) =>
          store().tx((tx) => tx.audit.append('activity', [activityRow(100 + i), activityRow(200 + i)])),
        ),
      );
      const rows = await store().audit.scan('activity', lastSeq, 100);
      assert.equal(rows.length, 16);
      assert.equal(new Set(rows.map((r) => r.seq)).size, 16, 'unique seqs');
      const heads = await store().audit.heads('activity');
      assert.deepEqual(
        heads.map((h) => h.lane),
        heads.map((_h, i) => i),
        'lanes are numbered 0, 1, … without gaps',
      );
      for (const h of heads) {
        const from = before.find((b) => b.lane === h.lane)?.seq ?? 0;
        const lane = await store().audit.scanLane('activity', h.lane, from, 100);
        lane.forEach((r, i) => {
          assert.equal(r.laneSeq, from + i + 1);
          if (i > 0) assert.equal(r.prevHash, lane[i - 1]!.hash);
        });
        if (lane.length > 0) assert.deepEqual([h.seq, h.hash], [lane.at(-1)!.laneSeq, lane.at(-1)!.hash]);
      }
    });

    it('a rolled-back append leaves no row and does not move any head', async () => {
      const heads = await store().audit.heads('activity');
      await assert.rejects(
        store().tx(async (tx) => {
          await tx.audit.append('activity', [activityRow(9)]);
          throw new Error('boom');
        }),
      );
      assert.deepEqual(await store().audit.heads('activity'), heads);
    });

    it('query filters on time range and columns, newest first, and pages with next', async () => {
      const q = { from: T0 + 100, to: T0 + 103, eq: { correlation_key: 'c-0' } };
      const p1 = await store().audit.query('activity', q, 1);
      assert.deepEqual(
        p1.items.map((r) => r.at),
        [T0 + 102],
      );
      assert.ok(p1.next);
      const p2 = await store().audit.query('activity', q, 1, p1.next);
      assert.deepEqual(
        p2.items.map((r) => r.at),
        [T0 + 100],
      );
      assert.equal(p2.next, undefined);
      const any = await store().audit.query(
        'activity',
        { anyOf: { columns: ['resource_key', 'caller_key'], value: '/r/3' } },
        10,
      );
      assert.deepEqual(
        any.items.map((r) => r.keys['resource_key']),
        ['/r/3'],
      );
      await assert.rejects(store().audit.query('activity', { eq: { 'x; drop table': 'y' } }, 10));
    });

    it('prune deletes a lane_seq prefix of old rows and checkpoints the last deleted hash', async () => {
      await store().tx((tx) =>
        tx.audit.append(
          'signIns',
          [1, 2, 3].map((i) => ({ at: T0 + i * 1000, data: `{"n":${i}}`, keys: { result: 'success' } })),
        ),
      );
      const rows = await store().audit.scan('signIns', 0, 10);
      assert.equal(await store().tx((tx) => tx.audit.prune('signIns', T0 + 2500)), 2);
      const [head] = await store().audit.heads('signIns');
      assert.deepEqual([head!.baseSeq, head!.baseHash], [2, rows[1]!.hash]);
      assert.deepEqual(
        (await store().audit.scan('signIns', 0, 10)).map((r) => r.seq),
        [3],
      );
      assert.equal(await store().tx((tx) => tx.audit.prune('signIns', T0 + 2500)), 0);
    });

    it('signInUsage groups sign-ins by identity, calling resource and result, with first/last and counts', async () => {
      const row = (at: number, identity: string, calling: string, result: string): AuditAppend => ({
        at,
        data: '{}',
        keys: { identity_key: identity, calling_key: calling, result },
      });
      await store().tx((tx) =>
        tx.audit.append('signIns', [
          row(T0 + 10, '/subscriptions/u1/x/id-a', '/vm/1', 'success'),
          row(T0 + 30, '/subscriptions/u1/x/id-a', '/vm/1', 'success'),
          row(T0 + 20, '/subscriptions/u1/x/id-a', '/vm/1', 'failure'),
          row(T0 + 40, '/subscriptions/u1/x/id-b', '/vm/2', 'success'),
          row(T0 + 50, '/subscriptions/u2/x/id-c', '/vm/3', 'success'),
        ]),
      );
      const a = await store().audit.signInUsage({ identityKey: '/SUBSCRIPTIONS/u1/x/id-a' });
      assert.deepEqual(a, [
        {
          identityKey: '/subscriptions/u1/x/id-a',
          callingKey: '/vm/1',
          result: 'failure',
          first: T0 + 20,
          last: T0 + 20,
          count: 1,
        },
        {
          identityKey: '/subscriptions/u1/x/id-a',
          callingKey: '/vm/1',
          result: 'success',
          first: T0 + 10,
          last: T0 + 30,
          count: 2,
        },
      ]);
      const u1 = await store().audit.signInUsage({ identityPrefix: '/subscriptions/u1/', from: T0 + 25 });
      assert.deepEqual(
        u1.map((r) => [r.identityKey, r.count]),
        [
          ['/subscriptions/u1/x/id-a', 1],
          ['/subscriptions/u1/x/id-b', 1],
        ],
      );
    });

    it('a sign-in row standing for several requests keeps its requests column and usage sums it', async () => {
      const keys = { identity_key: '/subscriptions/u9/x/id-f', calling_key: '/vm/9', result: 'failure' };
      await store().tx((tx) =>
        tx.audit.append('signIns', [
          { at: T0 + 60, data: '{"count":41}', keys: { ...keys, requests: '41' } },
          { at: T0 + 70, data: '{}', keys },
        ]),
      );
      const rows = await store().audit.query('signIns', { eq: { identity_key: keys.identity_key } }, 10);
      assert.deepEqual(
        rows.items.map((r) => r.keys['requests']),
        ['1', '41'],
        'newest first; a row without requests holds 1',
      );
      const usage = await store().audit.signInUsage({ identityKey: keys.identity_key });
      assert.deepEqual(
        usage.map((r) => [r.result, r.count, r.first, r.last]),
        [['failure', 42, T0 + 60, T0 + 70]],
      );
    });

    it('usage reports the last use from last_at (the last request a row counts), which defaults to at', async () => {
      const keys = { identity_key: '/subscriptions/u8/x/id-g', calling_key: '/vm/8', result: 'success' };
      await store().tx((tx) =>
        tx.audit.append('signIns', [
          { at: T0 + 100, data: '{"count":500}', keys: { ...keys, requests: '500', last_at: String(T0 + 59_000) } },
          { at: T0 + 200, data: '{}', keys },
        ]),
      );
      const rows = await store().audit.query('signIns', { eq: { identity_key: keys.identity_key } }, 10);
      assert.deepEqual(
        rows.items.map((r) => r.keys['last_at']),
        [String(T0 + 200), String(T0 + 59_000)],
      );
      const usage = await store().audit.signInUsage({ identityKey: keys.identity_key });
      assert.deepEqual(
        usage.map((r) => [r.count, r.first, r.last]),
        [[501, T0 + 100, T0 + 59_000]],
      );
    });
  });
}
