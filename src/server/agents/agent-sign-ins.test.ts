import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AgentRecord } from '../../store/records.js';
import type { SignInEvent } from '../audit/sign-ins.js';
import { recordAgentSignIns } from './agent-sign-ins.js';
import { boundSignIn } from '../audit/sign-in-log.js';

const agent: AgentRecord = { id: 'agent-1', resourceId: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm1', publicJwk: {}, hostname: 'h', joinTokenId: 'j', createdAt: 0, expiresAt: null };
const event = (over: Record<string, unknown> = {}) => ({ at: 1, correlationId: 'c1', result: 'failure', audience: 'https://vault.azure.net', errorCode: 'invalid_request', reason: 'no', latencyMs: 1, ...over });

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
});
