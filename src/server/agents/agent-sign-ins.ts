import type { AgentRecord } from '../../store/records.js';
import type { SignInEvent, SignInRecorder } from '../audit/sign-ins.js';
import { invalid, type DomainError } from '../../kernel/errors.js';

/** The agent uploads at most 500 per batch; the margin lets a larger agent buffer setting through. */
export const MAX_UPLOAD_EVENTS = 1_000;
/** About 1 KiB per event, so 1,000 events fit; each field is cut to its bound when the row is built (audit/bounds.ts). */
export const MAX_UPLOAD_BYTES = 1024 * 1024;

const bad = (why: string): DomainError => invalid(`signins: ${why} (see docs/agent-protocol.md).`, { code: 'invalid_request' });

/**
 * A string field. One odd value must not cost the whole batch its rows (the agent drops a refused
 * batch), so an empty optional value becomes null; an over-long one is kept, and cut to its bound
 * with a marker where every sign-in row is built (signInAppend).
 */
function text(e: Record<string, unknown>, name: string, required = false): string | null {
  const v = e[name];
  if ((v === null || v === undefined || v === '') && !required) return null;
  if (typeof v !== 'string' || v.length === 0) throw bad(`'${name}' must be ${required ? 'a non-empty' : 'null or a'} string`);
  return v;
}

function num(e: Record<string, unknown>, name: string): number {
  const v = e[name];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw bad(`'${name}' must be a non-negative number`);
  return v;
}

/**
 * One uploaded event as a sign-in row. Who asked (agent, calling resource) comes from the
 * authenticated agent: whatever the body says about them is ignored.
 */
function toEvent(raw: unknown, agent: AgentRecord): SignInEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('every event must be an object');
  const e = raw as Record<string, unknown>;
  if (e['result'] !== 'success' && e['result'] !== 'failure') throw bad("'result' must be 'success' or 'failure'");
  return {
    at: num(e, 'at'),
    correlationId: text(e, 'correlationId', true)!,
    flow: 'managedIdentity',
    principalId: text(e, 'principalId'),
    clientId: text(e, 'clientId'),
    identityResourceId: text(e, 'identityResourceId'),
    callingResourceId: agent.resourceId,
    agentId: agent.id,
    audience: text(e, 'audience'),
    result: e['result'],
    errorCode: text(e, 'errorCode'),
    reason: text(e, 'reason'),
    latencyMs: num(e, 'latencyMs'),
    source: 'agentCache',
  };
}

/** Validates the whole batch first (all or nothing), then records every event. */
export function recordAgentSignIns(body: Record<string, unknown>, agent: AgentRecord, recorder: SignInRecorder): number {
  const events = body['events'];
  if (!Array.isArray(events)) throw bad("the body must be {events: [...]}");
  if (events.length > MAX_UPLOAD_EVENTS) throw bad(`at most ${MAX_UPLOAD_EVENTS} events per upload (got ${events.length})`);
  const rows = events.map((e) => toEvent(e, agent));
  for (const row of rows) void recorder.record(row);
  return rows.length;
}
