import type { AuditAppend } from '../../store/store.js';
import type { AuditEntryRecord } from '../../store/records.js';
import { canonicalJson } from '../../store/sql/audit-chain.js';
import { timeOrderedUuid } from '../../kernel/ids.js';
import type { SignInEvent } from './sign-ins.js';
import { boundNullable, boundText, SIGN_IN_FIELD_BOUNDS as B } from './bounds.js';

/** A stored sign-in: the event as the token service reported it, plus a unique id. */
export type StoredSignIn = SignInEvent & { id: string };

const low = (s: string | null): string => (s ?? '').toLowerCase();

/**
 * The filter columns of a row, derived only from what is hashed (verify re-derives them).
 * `requests` is how many requests the row stands for and `last_at` when the last arrived, so usage
 * can sum folded refusals and an agent's counted cache hits, and report their last use. `flow`,
 * `error_code` and `id_key` serve Graph's `signInEventTypes` and `status/errorCode` filters and
 * its read by id (docs/wire/graph.md).
 */
export function signInKeys(e: SignInEvent & { id?: string }): Record<string, string> {
  return {
    principal_key: low(e.principalId),
    client_key: low(e.clientId),
    identity_key: low(e.identityResourceId),
    calling_key: low(e.callingResourceId),
    result: e.result,
    correlation_key: low(e.correlationId),
    requests: String(e.count ?? 1),
    last_at: String(e.lastAt ?? e.at),
    flow: e.flow,
    error_code: e.errorCode ?? '',
    id_key: low(e.id ?? null),
  };
}

/** The event with every string cut to its bound (docs/audit.md): what is stored and hashed. */
export function boundSignIn(e: SignInEvent): SignInEvent {
  return {
    ...e,
    correlationId: boundText(e.correlationId, B.correlationId),
    principalId: boundNullable(e.principalId, B.principalId),
    clientId: boundNullable(e.clientId, B.clientId),
    identityResourceId: boundNullable(e.identityResourceId, B.identityResourceId),
    callingResourceId: boundNullable(e.callingResourceId, B.callingResourceId),
    agentId: boundNullable(e.agentId, B.agentId),
    audience: boundNullable(e.audience, B.audience),
    errorCode: boundNullable(e.errorCode, B.errorCode),
    reason: boundNullable(e.reason, B.reason),
  };
}

/** The one place sign-in rows are built: every recorder appends through here. */
export function signInAppend(event: SignInEvent): AuditAppend {
  const e = boundSignIn(event);
  // Time-ordered: the id index then grows at its right edge (kernel/ids.ts).
  const stored: StoredSignIn = { id: timeOrderedUuid(e.at), ...e };
  return { at: e.at, data: canonicalJson(stored), keys: signInKeys(stored) };
}

export const parseSignIn = (r: AuditEntryRecord): StoredSignIn => JSON.parse(r.data) as StoredSignIn;
