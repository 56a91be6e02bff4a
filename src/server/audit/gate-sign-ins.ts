import { invalid, type DomainError } from '../../kernel/errors.js';
import type { SignInEvent } from './sign-ins.js';

const bad = (why: string): DomainError =>
  invalid(`gate sign-in: ${why} (see docs/adr/0011-postgres-gate.md).`, { code: 'InvalidRequestContent' });

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
  return Math.floor(v);
}

/**
 * One sign-in a gate decided (a database sign-in with a token as the password) as a sign-in row.
 * Over-long strings are cut where every row is built (signInAppend), so only types are checked
 * here. The guarded resource goes in `callingResourceId`, so `openmi signins list
 * --calling-resource` finds a database's sign-ins.
 */
export function gateSignInEvent(raw: unknown): SignInEvent {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('the body must be a JSON object');
  const e = raw as Record<string, unknown>;
  if (e['result'] !== 'success' && e['result'] !== 'failure') throw bad("'result' must be 'success' or 'failure'");
  return {
    at: num(e, 'at'),
    correlationId: text(e, 'correlationId', true)!,
    flow: 'gate',
    principalId: text(e, 'principalId'),
    clientId: text(e, 'clientId'),
    identityResourceId: text(e, 'identityResourceId'),
    callingResourceId: text(e, 'resourceId', true),
    agentId: null,
    audience: text(e, 'audience'),
    result: e['result'],
    errorCode: text(e, 'errorCode'),
    reason: text(e, 'reason'),
    latencyMs: num(e, 'latencyMs'),
    source: 'gate',
  };
}
