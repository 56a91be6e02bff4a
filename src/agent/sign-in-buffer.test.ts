import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { waitFor } from '../../test/helpers/wait.js';
import { DROPPED_CODE, SignInBuffer, type AgentSignIn } from './sign-in-buffer.js';
import { UpstreamUnavailable } from './upstream.js';

const event = (i: number): AgentSignIn => ({
  at: i, correlationId: null, audience: `api://${i}`, principalId: 'p', clientId: 'c', identityResourceId: 'r',
  result: 'success', errorCode: null, reason: null, latencyMs: 0.1,
});

describe('SignInBuffer', () => {
  it('keeps at most maxEvents, drops the oldest, counts them and uploads a "dropped" notice', async () => {
    let down = true;
    const got: AgentSignIn[][] = [];
    const upload = async (events: AgentSignIn[]) => {
      if (down) throw new UpstreamUnavailable('server down');
      got.push(events.map((e) => ({ ...e })));
    };
    const b = new SignInBuffer({ upload, clock: { now: () => 0 }, maxEvents: 100, batchSize: 40, minBackoffMs: 0, maxBackoffMs: 0, intervalMs: 60_000 });
    for (let i = 0; i < 250; i++) b.record(event(i));
    assert.ok(b.size <= 100, `holds ${b.size}`);
    assert.equal(b.size + b.dropped, 250, 'every event is either kept or counted');
    await b.close(); // one attempt while down: nothing is lost from the count
    assert.equal(b.size + b.dropped, 250);
    down = false;
    await b.close();
    const all = got.flat();
    const notice = all.filter((e) => e.errorCode === DROPPED_CODE);
    assert.equal(notice.length, 1);
    const kept = all.filter((e) => e.errorCode !== DROPPED_CODE);
    assert.match(notice[0]!.reason!, new RegExp(`dropped ${250 - kept.length} `));
    assert.deepEqual(kept.map((e) => e.at), Array.from({ length: kept.length }, (_, i) => 250 - kept.length + i), 'the newest are kept, in order');
    assert.ok(got.every((batch) => batch.length <= 40));
    assert.ok(kept.every((e) => typeof e.correlationId === 'string' && e.correlationId.length > 0), 'ids are filled in at upload');
    assert.equal(b.size + b.dropped, 0);
  });

  it('retries with backoff while the server is unreachable, and uploads on its own every interval', async () => {
    let calls = 0;
    const got: AgentSignIn[] = [];
    const upload = async (events: AgentSignIn[]) => {
      if (++calls < 3) throw new UpstreamUnavailable('server down');
      got.push(...events);
    };
    const b = new SignInBuffer({ upload, clock: { now: () => Date.now() }, intervalMs: 10, minBackoffMs: 20, maxBackoffMs: 40 });
    b.record(event(1));
    b.record(event(2));
    const start = Date.now();
    await waitFor(() => got.length >= 2, { what: 'both sign-ins to be uploaded past the failures', intervalMs: 5 });
    assert.deepEqual(got.map((e) => e.at), [1, 2]);
    assert.equal(calls, 3);
    assert.ok(Date.now() - start >= 20 + 40 - 15, 'waited out the backoff');
    await b.close();
  });
});
