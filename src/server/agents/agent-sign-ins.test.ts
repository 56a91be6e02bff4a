import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentRecord } from '../../store/records.js';
import type { SignInEvent } from '../audit/sign-ins.js';
import { createLogger } from '../../kernel/log.js';
import { observeAgentSignIns, recordAgentSignIns } from './agent-sign-ins.js';
import { boundSignIn, signInKeys } from '../audit/sign-in-log.js';

const agent: AgentRecord = {
  id: 'agent-1',
  resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1',
  publicJwk: {},
  hostname: 'h',
  joinTokenId: 'j',
  createdAt: 0,
  expiresAt: null,
};
const event = (over: Record<string, unknown> = {}) => ({
  at: 1,
  correlationId: 'c1',
  result: 'failure',
  audience: 'https://vault.azure.net',
  errorCode: 'invalid_request',
  reason: 'no',
  latencyMs: 1,
  ...over,
});

function upload(events: unknown[]): SignInEvent[] {
  const rows: SignInEvent[] = [];
  recordAgentSignIns({ events }, agent, { record: (e) => void rows.push(e) });
  return rows;
}

describe('agent sign-in uploads', () => {
  it('keeps a row whose optional fields are empty or over-long instead of refusing the batch', () => {
    const rows = upload([event(), event({ audience: '', reason: 'x'.repeat(5000), correlationId: 'y'.repeat(300) })]);
    assert.equal(rows.length, 2);
    assert.equal(rows[1]!.audience, null);
    const stored = boundSignIn(rows[1]!);
    assert.equal(stored.reason!.length, 1024);
    assert.match(stored.reason!, /…\[cut, 5000 chars\]$/);
    assert.equal(stored.correlationId.length, 200);
  });

  it('pins who asked to the authenticated agent, whatever the body says', () => {
    const [row] = upload([event({ callingResourceId: '/elsewhere', agentId: 'other' })]);
    assert.equal(row!.callingResourceId, agent.resourceId);
    assert.equal(row!.agentId, 'agent-1');
  });

  it('still refuses what is not an event at all, before recording any', () => {
    assert.throws(() => upload([event(), event({ result: 'maybe' })]), /'result' must be/);
    assert.throws(() => upload([event({ correlationId: '' })]), /'correlationId' must be a non-empty string/);
    assert.throws(() => upload([event({ at: -1 })]), /'at' must be/);
  });

  it("takes an aggregated row as counting `count` requests, and an older agent's per-request row as one", () => {
    const [old, agg, one] = upload([
      event(),
      event({
        result: 'success',
        errorCode: null,
        reason: null,
        at: 1_000,
        lastAt: 59_000,
        count: 41_000,
        latencyMs: 2.5,
      }),
      event({ count: 1, lastAt: 1 }),
    ]);
    assert.deepEqual([old!.count, old!.lastAt], [undefined, undefined]);
    assert.deepEqual([agg!.count, agg!.at, agg!.lastAt, agg!.source], [41_000, 1_000, 59_000, 'agentCache']);
    assert.deepEqual([signInKeys(agg!).requests, signInKeys(agg!).last_at], ['41000', '59000']);
    assert.deepEqual(
      [one!.count, one!.lastAt],
      [undefined, undefined],
      'one request at one time keeps the per-request shape',
    );
  });

  it('refuses counts and times that make no sense; keeps times whole milliseconds', () => {
    assert.throws(() => upload([event({ count: 0 })]), /'count' must be a positive integer/);
    assert.throws(() => upload([event({ count: 2.5 })]), /'count' must be a positive integer/);
    assert.throws(() => upload([event({ count: '3' })]), /'count' must be a positive integer/);
    assert.throws(() => upload([event({ at: 10, lastAt: 9 })]), /'lastAt' must not be before 'at'/);
    const [row] = upload([event({ at: 10.7, lastAt: 20.2, count: 2 })]);
    assert.deepEqual([row!.at, row!.lastAt], [10, 20]);
  });

  it("reads an agent's drop notice into the metric by cause, and logs it with the agent's words", () => {
    const notice = (dropped: unknown) =>
      event({
        errorCode: 'agent_signins_dropped',
        reason: 'the agent dropped the sign-in rows of 7 requests: the server was unreachable (ECONNREFUSED)',
        dropped,
      });
    const recorded = recordAgentSignIns(
      {
        events: [
          event({ count: 3 }),
          notice({ requests: 7, cause: 'unreachable' }),
          notice({ requests: 1, cause: 'martian' }),
          event({ dropped: { requests: 5, cause: 'bound' } }),
        ],
      },
      agent,
      { record: () => undefined },
    );
    assert.equal(recorded.rows.length, 4, 'every row is recorded, notices included');
    assert.deepEqual(
      recorded.drops.map((d) => [d.cause, d.requests]),
      [['unreachable', 7]],
      'an unknown cause, or a drop on a row that is no notice, is not counted',
    );
    const counted: unknown[][] = [];
    const lines: string[] = [];
    const sink = { write: (l: string) => (lines.push(l), true) } as unknown as NodeJS.WritableStream;
    observeAgentSignIns(
      recorded,
      agent,
      {
        agentSignIns: (r, n) => counted.push(['ok', r, n]),
        agentSignInsDropped: (c, n) => counted.push(['dropped', c, n]),
      },
      createLogger('info', sink),
    );
    assert.deepEqual(counted, [
      ['ok', 'failure', 3],
      ['ok', 'failure', 1],
      ['ok', 'failure', 1],
      ['ok', 'failure', 1],
      ['dropped', 'unreachable', 7],
    ]);
    const line = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.deepEqual([line['agentId'], line['cause'], line['requests']], ['agent-1', 'unreachable', 7]);
    assert.match(String(line['msg']), /server was unreachable \(ECONNREFUSED\)/);
  });
});
