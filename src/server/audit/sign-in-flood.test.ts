import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '../../kernel/clock.js';
import type { SignInEvent } from './sign-ins.js';
import { SignInFloodControl, type FloodLimits } from './sign-in-flood.js';

const LIMITS: FloodLimits = {
  rows: { perSecond: 1, burst: 5 },
  perSource: { perSecond: 1, burst: 2 },
  windowMs: 60_000,
  maxSources: 100,
  maxFolds: 3,
};

const refusal = (o: Partial<SignInEvent> = {}): SignInEvent => ({
  at: 1,
  correlationId: 'c',
  flow: 'clientCredentials',
  principalId: null,
  clientId: 'app-1',
  identityResourceId: null,
  callingResourceId: null,
  agentId: null,
  audience: 'https://vault.azure.net',
  result: 'failure',
  errorCode: 'invalid_client',
  reason: 'bad secret',
  latencyMs: 1,
  ...o,
});

function control(limits = LIMITS) {
  const clock = new ManualClock(1_000);
  const written: SignInEvent[] = [];
  const flood = new SignInFloodControl(async (e) => void written.push(e), clock, limits);
  return { clock, written, flood };
}

describe('sign-in flood control', () => {
  it('gives a source its own rows up to its burst, then folds its repeats into one counted row', async () => {
    const { written, flood } = control();
    assert.equal(flood.fold(refusal({ correlationId: 'c1' })), undefined);
    assert.equal(flood.fold(refusal({ correlationId: 'c2' })), undefined);
    const held = [3, 4, 5].map((i) => flood.fold(refusal({ correlationId: `c${i}`, at: i })));
    assert.ok(
      held.every((p) => p instanceof Promise),
      'over the source budget: folded',
    );
    let answered = false;
    void Promise.all(held).then(() => (answered = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(answered, false, 'a folded refusal waits for its row');
    flood.flush();
    await Promise.all(held);
    assert.equal(written.length, 1);
    assert.deepEqual(
      [written[0]!.count, written[0]!.lastAt, written[0]!.correlationId, written[0]!.clientId],
      [3, 5, 'c3', 'app-1'],
    );
    flood.flush();
    assert.equal(written.length, 1, 'an empty window writes nothing');
  });

  it('folds by flow and error code across clients once the overall budget is spent, and says which fields differed', async () => {
    const { written, flood, clock } = control();
    for (let i = 0; i < 5; i++) assert.equal(flood.fold(refusal({ clientId: `app-${i}` })), undefined);
    const held = [5, 6, 7].map((i) =>
      flood.fold(refusal({ clientId: `app-${i}`, audience: i === 7 ? 'other' : 'https://vault.azure.net' })),
    );
    const other = flood.fold(refusal({ clientId: 'app-8', errorCode: 'unauthorized_client' }));
    flood.flush();
    await Promise.all([...held, other]);
    assert.deepEqual(
      written.map((e) => [e.errorCode, e.count, e.clientId, e.audience]),
      [
        ['invalid_client', 3, null, null],
        ['unauthorized_client', 1, 'app-8', 'https://vault.azure.net'],
      ],
    );
    clock.advance(1_000);
    assert.equal(flood.fold(refusal({ clientId: 'app-9' })), undefined, 'the overall budget refills at its rate');
  });

  it('keeps refusals against different identities and calling resources in their own rows', async () => {
    const { written, flood } = control({ ...LIMITS, perSource: { perSecond: 1, burst: 1 } });
    void flood.fold(refusal({ identityResourceId: '/id/a' }));
    void flood.fold(refusal({ identityResourceId: '/id/b' }));
    const held = [
      flood.fold(refusal({ identityResourceId: '/id/a' })),
      flood.fold(refusal({ identityResourceId: '/id/b' })),
      flood.fold(refusal({ identityResourceId: '/id/a', callingResourceId: '/vm/2' })),
    ];
    flood.flush();
    await Promise.all(held);
    assert.deepEqual(
      written.map((e) => [e.identityResourceId, e.callingResourceId, e.count]),
      [
        ['/id/a', null, 1],
        ['/id/b', null, 1],
        ['/id/a', '/vm/2', 1],
      ],
    );
  });

  it('past maxFolds, new fold keys fold by flow and error code alone', async () => {
    const { written, flood } = control({
      ...LIMITS,
      perSource: { perSecond: 1, burst: 1 },
      rows: { perSecond: 1, burst: 1 },
    });
    void flood.fold(refusal());
    const held = ['/a', '/b', '/c', '/d', '/e'].map((id) => flood.fold(refusal({ identityResourceId: id })));
    flood.flush();
    await Promise.all(held);
    assert.equal(written.length, 4, 'three fold keys, then one coarse fold');
    assert.deepEqual(
      [written[3]!.count, written[3]!.identityResourceId],
      [2, null],
      'identities that differed are not claimed',
    );
  });

  it('stores a folded row bounded like any other', async () => {
    const { written, flood } = control({ ...LIMITS, perSource: { perSecond: 1, burst: 1 } });
    const huge = 'x'.repeat(3 * 1024 * 1024);
    void flood.fold(refusal({ clientId: huge }));
    const held = flood.fold(refusal({ clientId: huge }));
    flood.flush();
    await held;
    assert.equal(written[0]!.clientId!.length, 200);
  });

  it('a failed write fails every request folded into it', async () => {
    const flood = new SignInFloodControl(() => Promise.reject(new Error('disk full')), new ManualClock(), {
      ...LIMITS,
      perSource: { perSecond: 1, burst: 1 },
    });
    void flood.fold(refusal());
    const held = flood.fold(refusal());
    flood.flush();
    await assert.rejects(held!, /disk full/);
  });

  it('writes the window on its own when it ends', async () => {
    const { written, flood } = control({ ...LIMITS, perSource: { perSecond: 1, burst: 1 }, windowMs: 20 });
    void flood.fold(refusal());
    await flood.fold(refusal());
    assert.equal(written.length, 1);
  });
});
