import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { ManualClock } from '../kernel/clock.js';
import { createLogger } from '../kernel/log.js';
import { DROPPED_CODE, SignInBuffer, type AgentSignIn, type SignInBufferOptions } from './sign-in-buffer.js';
import { UpstreamRefusal, UpstreamUnavailable } from './upstream.js';
import { waitFor } from '../../test/helpers/wait.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);

const hit = (at: number, audience = 'api://a'): AgentSignIn => ({
  at,
  correlationId: null,
  audience,
  principalId: 'p',
  clientId: 'c',
  identityResourceId: 'r',
  result: 'success',
  errorCode: null,
  reason: null,
  latencyMs: 0.1,
});

const sum = (rows: readonly AgentSignIn[]) => rows.reduce((n, r) => n + (r.count ?? 1), 0);

/** A buffer whose timer never fires (the test calls flush), with a server that is up unless `down` says otherwise. */
function setup(opts: Partial<SignInBufferOptions> = {}) {
  const clock = new ManualClock(T0);
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write: (chunk: Buffer, _enc, done) => (lines.push(JSON.parse(chunk.toString('utf8'))), done()),
  });
  const state = { fail: undefined as Error | undefined, batches: [] as AgentSignIn[][] };
  const upload = async (events: AgentSignIn[]) => {
    if (state.fail) throw state.fail;
    state.batches.push(events.map((e) => ({ ...e })));
  };
  const b = new SignInBuffer({
    upload,
    clock,
    log: createLogger('info', sink),
    intervalMs: 3_600_000,
    minBackoffMs: 0,
    maxBackoffMs: 0,
    ...opts,
  });
  const uploaded = () => state.batches.flat().filter((e) => e.errorCode !== DROPPED_CODE);
  const notices = () => state.batches.flat().filter((e) => e.errorCode === DROPPED_CODE);
  return { b, clock, lines, state, uploaded, notices };
}

describe('SignInBuffer', () => {
  it('counts every request at any rate: 300,000 cached answers over 3 minutes are a few rows, the sum exact', async () => {
    const { b, clock, uploaded } = setup();
    for (let s = 0; s < 180; s++) {
      for (let i = 0; i < 1_666; i++) b.record(hit(clock.now() + (i % 1000), s % 2 === 0 ? 'api://a' : 'api://b'));
      clock.advance(1_000);
      await b.flush();
    }
    await b.close();
    const rows = uploaded();
    assert.equal(sum(rows), 180 * 1_666);
    assert.ok(rows.length <= 3 * 2 * 2, `${rows.length} rows for 2 keys over 3 minutes`);
    assert.ok(
      rows.every((r) => typeof r.correlationId === 'string' && r.correlationId.length > 0),
      'ids are filled in at upload',
    );
    assert.deepEqual(b.dropped, { unreachable: 0, refused: 0, bound: 0 });
  });

  it('while the server is unreachable keeps maxRows, drops the oldest as "unreachable", and says so once it is back', async () => {
    const { b, clock, state, lines, uploaded, notices } = setup({ maxRows: 5, aggregation: { windowMs: 1_000 } });
    state.fail = new UpstreamUnavailable('connect ECONNREFUSED 127.0.0.1:8443');
    for (let s = 0; s < 20; s++) {
      for (let i = 0; i < 10; i++) b.record(hit(clock.now() + i));
      clock.advance(1_000);
      await b.flush();
    }
    assert.ok(b.size <= 5, `holds ${b.size} rows`);
    assert.ok(b.dropped.unreachable > 0);
    assert.deepEqual([b.dropped.refused, b.dropped.bound], [0, 0]);
    const line = lines.find((l) => l['cause'] === 'unreachable');
    assert.match(String(line?.['msg']), /the server was unreachable \(connect ECONNREFUSED 127\.0\.0\.1:8443\)/);
    state.fail = undefined;
    await b.close();
    const [notice, ...more] = notices();
    assert.equal(more.length, 0);
    assert.deepEqual(notice!.dropped, { requests: b.dropped.unreachable, cause: 'unreachable' });
    assert.match(notice!.reason!, /unreachable/);
    assert.equal(sum(uploaded()) + notice!.dropped!.requests, 200, 'every request is uploaded or counted as dropped');
  });

  it('a definitive refusal drops the batch as "refused" (logged with the server\'s words); a 429 is retried', async () => {
    const { b, clock, state, lines, uploaded, notices } = setup();
    b.record(hit(clock.now()));
    b.record(hit(clock.now()));
    state.fail = new UpstreamRefusal(429, 'too_many_requests', 'slow down');
    await b.flush();
    assert.equal(b.size, 1, 'kept for the retry');
    state.fail = new UpstreamRefusal(400, 'invalid_request', "signins: 'at' must be a non-negative number");
    await b.flush();
    assert.equal(b.dropped.refused, 2);
    assert.match(
      String(lines.find((l) => l['cause'] === 'refused')?.['msg']),
      /the server refused their upload \(400 invalid_request: signins: 'at' must be/,
    );
    state.fail = undefined;
    b.record(hit(clock.now()));
    await b.close();
    assert.equal(sum(uploaded()), 1);
    assert.deepEqual(
      notices().map((n) => n.dropped),
      [{ requests: 2, cause: 'refused' }],
    );
  });

  it('more distinct keys than the bound are dropped as "bound", not blamed on the server', async () => {
    const { b, clock, lines, uploaded, notices } = setup({ aggregation: { maxKeys: 3, maxCoarseKeys: 0 } });
    for (let i = 0; i < 10; i++) b.record(hit(clock.now(), `api://${i}`));
    await b.close();
    assert.equal(sum(uploaded()), 3);
    assert.deepEqual(
      notices().map((n) => n.dropped),
      [{ requests: 7, cause: 'bound' }],
    );
    const line = lines.find((l) => l['cause'] === 'bound');
    assert.match(String(line?.['msg']), /distinct sign-in keys .* not the server/);
    assert.doesNotMatch(String(line?.['msg']), /unreachable/);
  });

  it('retries with backoff while the server is unreachable, and uploads on its own every interval', async () => {
    let calls = 0;
    const got: AgentSignIn[] = [];
    const upload = async (events: AgentSignIn[]) => {
      if (++calls < 3) throw new UpstreamUnavailable('server down');
      got.push(...events);
    };
    const b = new SignInBuffer({
      upload,
      clock: { now: () => Date.now() },
      intervalMs: 10,
      minBackoffMs: 20,
      maxBackoffMs: 40,
    });
    b.record(hit(Date.now()));
    b.record(hit(Date.now(), 'api://b'));
    const start = Date.now();
    await waitFor(() => sum(got) >= 2, { what: 'both sign-ins to be uploaded past the failures', intervalMs: 5 });
    assert.equal(sum(got), 2);
    assert.equal(calls, 3);
    assert.ok(Date.now() - start >= 20 + 40 - 15, 'waited out the backoff');
    await b.close();
  });

  it("keeps each upload under the server's body bound, however long the audiences", async () => {
    const { b, clock, state, uploaded } = setup();
    for (let i = 0; i < 200; i++) b.record(hit(clock.now(), `api://${i}/${'x'.repeat(7_000)}`));
    await b.close();
    assert.equal(sum(uploaded()), 200);
    assert.ok(state.batches.length > 1);
    for (const batch of state.batches)
      assert.ok(Buffer.byteLength(JSON.stringify({ events: batch })) <= 1024 * 1024, 'each body within 1 MiB');
  });
});
