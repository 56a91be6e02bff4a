import type { Logger } from '../../kernel/log.js';
import type { AgentRecord } from '../../store/records.js';
import { AGENT_SIGNINS_DROPPED, type SignInDropCause } from '../../wire/agent-protocol.js';
import { boundNullable, SIGN_IN_FIELD_BOUNDS as B } from '../audit/bounds.js';
import type { SignInEvent, SignInRecorder } from '../audit/sign-ins.js';
import { invalid, type DomainError } from '../../kernel/errors.js';

/** The agent uploads at most 500 rows per batch; the margin lets a larger agent buffer setting through. */
export const MAX_UPLOAD_EVENTS = 1_000;
/** About 1 KiB per event, so 1,000 events fit; each field is cut to its bound when the row is built (audit/bounds.ts). */
export const MAX_UPLOAD_BYTES = 1024 * 1024;

const bad = (why: string): DomainError =>
  invalid(`signins: ${why} (see docs/agent-protocol.md).`, { code: 'invalid_request' });

/**
 * A string field. One odd value must not cost the whole batch its rows (the agent drops a refused
 * batch), so an empty optional value becomes null; an over-long one is kept, and cut to its bound
 * with a marker where every sign-in row is built (signInAppend).
 */
function text(e: Record<string, unknown>, name: string, required = false): string | null {
  const v = e[name];
  if ((v === null || v === undefined || v === '') && !required) return null;
  if (typeof v !== 'string' || v.length === 0)
    throw bad(`'${name}' must be ${required ? 'a non-empty' : 'null or a'} string`);
  return v;
}

function num(e: Record<string, unknown>, name: string): number {
  const v = e[name];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw bad(`'${name}' must be a non-negative number`);
  return v;
}

/**
 * How many requests a row counts and when the last arrived (agents since aggregation); absent on
 * an older agent's per-request rows. Times are whole ms: the `at` columns are integers.
 */
function counted(e: Record<string, unknown>, at: number): Pick<SignInEvent, 'count' | 'lastAt'> {
  const count = e['count'] ?? 1;
  if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 1)
    throw bad("'count' must be a positive integer");
  const lastAt = e['lastAt'] === undefined ? at : Math.floor(num(e, 'lastAt'));
  if (lastAt < at) throw bad("'lastAt' must not be before 'at'");
  // A row of one request at one time stays in the per-request shape.
  return count === 1 && lastAt === at ? {} : { count, lastAt };
}

/**
 * One uploaded row as a sign-in row. Who asked (agent, calling resource) comes from the
 * authenticated agent: whatever the body says about them is ignored.
 */
function toEvent(raw: unknown, agent: AgentRecord): SignInEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('every event must be an object');
  const e = raw as Record<string, unknown>;
  if (e['result'] !== 'success' && e['result'] !== 'failure') throw bad("'result' must be 'success' or 'failure'");
  const at = Math.floor(num(e, 'at'));
  return {
    at,
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
    ...counted(e, at),
  };
}

const CAUSES: readonly SignInDropCause[] = ['unreachable', 'refused', 'bound'];

/** An agent's report that some requests lost their rows (an `agent_signins_dropped` notice). */
export interface AgentSignInDrop {
  cause: SignInDropCause;
  requests: number;
  reason: string | null;
}

/** The notice's structured half; a cause this server does not know is left to the row's reason. */
function dropOf(raw: unknown): AgentSignInDrop | undefined {
  const e = raw as Record<string, unknown>;
  const d = e['dropped'] as Record<string, unknown> | null | undefined;
  if (e['errorCode'] !== AGENT_SIGNINS_DROPPED || typeof d !== 'object' || d === null) return undefined;
  const cause = CAUSES.find((c) => c === d['cause']);
  const requests = d['requests'];
  if (cause === undefined || typeof requests !== 'number' || !Number.isSafeInteger(requests) || requests < 0)
    return undefined;
  return { cause, requests, reason: typeof e['reason'] === 'string' ? boundNullable(e['reason'], B.reason) : null };
}

/** What one upload recorded: its rows, and the drops the agent reported in it. */
export interface AgentSignInUpload {
  rows: SignInEvent[];
  drops: AgentSignInDrop[];
}

/** Where the server counts agent sign-ins (Prometheus, docs/audit.md) once they are durable. */
export interface AgentSignInCounters {
  agentSignIns(result: 'success' | 'failure', requests: number): void;
  agentSignInsDropped(cause: SignInDropCause, requests: number): void;
}

/** Counts a durable upload, and logs any drop the agent reported with the cause it named. */
export function observeAgentSignIns(
  upload: AgentSignInUpload,
  agent: AgentRecord,
  counters: AgentSignInCounters,
  log: Logger,
): void {
  for (const r of upload.rows) counters.agentSignIns(r.result, r.count ?? 1);
  for (const d of upload.drops) {
    counters.agentSignInsDropped(d.cause, d.requests);
    log.warn(
      { agentId: agent.id, resourceId: agent.resourceId, cause: d.cause, requests: d.requests },
      d.reason ?? `an agent dropped the sign-in rows of ${d.requests} requests (${d.cause})`,
    );
  }
}

/**
 * Validates the whole batch first (all or nothing), then records every row: a per-request row of
 * an older agent, or a row counting `count` requests (docs/agent-protocol.md, "Sign-ins").
 */
export function recordAgentSignIns(
  body: Record<string, unknown>,
  agent: AgentRecord,
  recorder: SignInRecorder,
): AgentSignInUpload {
  const events = body['events'];
  if (!Array.isArray(events)) throw bad('the body must be {events: [...]}');
  if (events.length > MAX_UPLOAD_EVENTS)
    throw bad(`at most ${MAX_UPLOAD_EVENTS} events per upload (got ${events.length})`);
  const rows = events.map((e) => toEvent(e, agent));
  for (const row of rows) void recorder.record(row);
  const drops = events.map(dropOf).filter((d): d is AgentSignInDrop => d !== undefined);
  return { rows, drops };
}
