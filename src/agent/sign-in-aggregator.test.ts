import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SignInAggregator, type AgentSignIn } from './sign-in-aggregator.js';

const MIN = 60_000;
/** 12:00:00.000 UTC: a minute boundary. */
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

const hit = (at: number, over: Partial<AgentSignIn> = {}): AgentSignIn => ({
  at,
  correlationId: null,
  audience: 'https://vault.azure.net',
  principalId: 'oid',
  clientId: 'cid',
  identityResourceId: '/id/a',
  result: 'success',
  errorCode: null,
  reason: null,
  latencyMs: 0.2,
  ...over,
});

const sum = (rows: readonly AgentSignIn[]) => rows.reduce((n, r) => n + (r.count ?? 1), 0);

describe('SignInAggregator', () => {
  it('counts a key per minute: its first requests at the next take, the rest when the minute ends', () => {
    const a = new SignInAggregator();
    a.add(hit(T0 + 10, { correlationId: 'first' }));
    a.add(hit(T0 + 20, { latencyMs: 3 }));
    const early = a.take(T0 + 1_000);
    assert.equal(early.rows.length, 1);
    assert.deepEqual(
      [
        early.rows[0]!.count,
        early.rows[0]!.at,
        early.rows[0]!.lastAt,
        early.rows[0]!.correlationId,
        early.rows[0]!.latencyMs,
      ],
      [2, T0 + 10, T0 + 20, 'first', 3],
    );
    for (let i = 0; i < 1_000; i++) a.add(hit(T0 + 1_000 + i * 50, i === 7 ? { correlationId: 'sample' } : {}));
    assert.deepEqual(a.take(T0 + MIN - 1).rows, [], 'nothing more until the minute ends');
    const rest = a.take(T0 + MIN);
    assert.equal(rest.rows.length, 1);
    const r = rest.rows[0]!;
    assert.deepEqual([r.count, r.at, r.lastAt, r.correlationId], [1_000, T0 + 1_000, T0 + 1_000 + 999 * 50, 'sample']);
    assert.equal(r.audience, 'https://vault.azure.net');
    assert.deepEqual(a.take(T0 + 2 * MIN).rows, []);
  });

  it('splits at the minute boundary: 59.999 s and 60.000 s are in different rows', () => {
    const a = new SignInAggregator();
    a.take(T0); // opens the window as an idle agent's timer would
    a.add(hit(T0 + MIN - 1));
    a.take(T0 + 500); // the first request of the key goes out early
    a.add(hit(T0 + MIN - 1));
    a.add(hit(T0 + MIN));
    a.add(hit(T0 + MIN + 1));
    const at60 = a.take(T0 + MIN + 2);
    // The minute that ended, and the new minute's first requests (its key is new in the window).
    assert.deepEqual(
      at60.rows.map((r) => [r.at, r.lastAt, r.count]),
      [
        [T0 + MIN - 1, T0 + MIN - 1, 1],
        [T0 + MIN, T0 + MIN + 1, 2],
      ],
    );
  });

  it('keeps identities, audiences and results apart', () => {
    const a = new SignInAggregator();
    a.add(hit(T0));
    a.add(hit(T0, { audience: 'https://storage.azure.com' }));
    a.add(hit(T0, { identityResourceId: '/id/b', principalId: 'oid-b', clientId: 'cid-b' }));
    a.add(
      hit(T0, {
        result: 'failure',
        errorCode: 'invalid_request',
        reason: 'no Metadata header',
        principalId: null,
        clientId: null,
        identityResourceId: null,
      }),
    );
    a.add(hit(T0));
    const { rows } = a.take(T0 + MIN);
    assert.equal(rows.length, 4);
    assert.equal(sum(rows), 5);
  });

  it('past maxKeys counts new keys without audience and reason; past maxCoarseKeys drops and counts them', () => {
    const a = new SignInAggregator({ maxKeys: 2, maxCoarseKeys: 1 });
    for (const aud of ['a', 'b', 'c', 'd', 'c']) assert.ok(a.add(hit(T0, { audience: aud })));
    assert.equal(a.add(hit(T0, { identityResourceId: '/id/other' })), false, 'a second folded key is over the bound');
    const { rows, dropped } = a.take(T0 + MIN);
    assert.equal(dropped, 1);
    assert.deepEqual(
      new Map(rows.map((r) => [r.audience, r.count])),
      new Map([
        ['a', 1],
        ['b', 1],
        [null, 3],
      ]),
    );
    assert.equal(a.take(T0 + 2 * MIN).dropped, 0, 'the dropped count is handed out once');
  });

  it('the bound is per window: a new minute starts with no keys', () => {
    const a = new SignInAggregator({ maxKeys: 1, maxCoarseKeys: 0 });
    assert.ok(a.add(hit(T0, { audience: 'a' })));
    assert.equal(a.add(hit(T0 + 1, { audience: 'b' })), false);
    assert.ok(a.add(hit(T0 + MIN, { audience: 'b' })));
    const { rows, dropped } = a.take(T0 + 2 * MIN);
    assert.deepEqual(
      rows.map((r) => [r.audience, r.at]),
      [
        ['a', T0],
        ['b', T0 + MIN],
      ],
    );
    assert.equal(dropped, 1);
  });

  it('take(all) hands out the open window; a clock stepping back counts into the open window', () => {
    const a = new SignInAggregator();
    a.add(hit(T0 + MIN + 5));
    a.add(hit(T0 + 5)); // NTP stepped the clock back into the previous minute
    const all = a.take(T0 + MIN + 10, true);
    assert.deepEqual(
      all.rows.map((r) => [r.count, r.at, r.lastAt]),
      [[2, T0 + 5, T0 + MIN + 5]],
    );
    assert.deepEqual(a.take(T0 + MIN + 20, true).rows, []);
  });

  it('a window shorter than a minute (tests) works the same', () => {
    const a = new SignInAggregator({ windowMs: 1_000 });
    for (let t = 0; t < 5_000; t += 10) a.add(hit(T0 + t));
    const rows = [...a.take(T0 + 2_500).rows, ...a.take(T0 + 5_000).rows];
    assert.equal(sum(rows), 500);
    assert.ok(rows.length <= 2 * 5, `${rows.length} rows`);
  });
});
