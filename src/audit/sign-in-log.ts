import { randomUUID } from 'node:crypto';
import type { AuditAppend } from '../store/store.js';
import type { AuditEntryRecord } from '../store/records.js';
import { canonicalJson } from '../store/sql/audit-chain.js';
import type { SignInEvent } from '../tokens/sign-ins.js';

/** A stored sign-in: the event as the token service reported it, plus a unique id. */
export type StoredSignIn = SignInEvent & { id: string };

const low = (s: string | null): string => (s ?? '').toLowerCase();

export function signInKeys(e: SignInEvent): Record<string, string> {
  return {
    principal_key: low(e.principalId),
    client_key: low(e.clientId),
    identity_key: low(e.identityResourceId),
    calling_key: low(e.callingResourceId),
    result: e.result,
    correlation_key: low(e.correlationId),
  };
}

export function signInAppend(e: SignInEvent): AuditAppend {
  const stored: StoredSignIn = { id: randomUUID(), ...e };
  return { at: e.at, data: canonicalJson(stored), keys: signInKeys(e) };
}

export const parseSignIn = (r: AuditEntryRecord): StoredSignIn => JSON.parse(r.data) as StoredSignIn;
