import type { Logger } from '../../kernel/log.js';
import type { SignInFlow } from '../../wire/sign-ins.js';

export type { SignInFlow };

/**
 * One token request, successful or not: the sign-in log's row. One row per request, except that
 * repeats of a refused request beyond the log's budget are folded into one row with a `count`, and
 * an agent counts the requests it answers itself per identity, audience, result and minute
 * (docs/audit.md). Never carries tokens, secrets or assertions.
 */
export interface SignInEvent {
  /** Epoch ms when the request arrived. */
  at: number;
  correlationId: string;
  flow: SignInFlow;
  /** Object id of the identity or application, when it could be determined. */
  principalId: string | null;
  clientId: string | null;
  /** ARM id of the managed identity (user-assigned id, or the resource for system-assigned). */
  identityResourceId: string | null;
  /** ARM id of the compute resource whose agent asked (managed-identity flow). */
  callingResourceId: string | null;
  agentId: string | null;
  /** The audience asked for, as requested. */
  audience: string | null;
  result: 'success' | 'failure';
  /** Wire error code on failure (e.g. `identity_not_found`, `invalid_client`). */
  errorCode: string | null;
  /** Human explanation on failure. */
  reason: string | null;
  latencyMs: number;
  /**
   * Who answered: the server (a mint), an agent from its token cache, uploaded later, or a gate
   * that took a token as a password (flow `gate`, where `callingResourceId` is the guarded resource). Absent
   * means server (rows written before this field existed).
   */
  source?: 'server' | 'agentCache' | 'gate';
  /** Requests this row stands for, when refusals were folded into it or an agent counted them (absent: 1). */
  count?: number;
  /** Epoch ms when the last of the `count` requests arrived (with `count` only). */
  lastAt?: number;
}

/**
 * Where every token request is handed. `record` must return at once and never throw. A durable
 * recorder returns a promise that resolves once this event's row is committed (its own row, or
 * the row it was folded into); surfaces await it before answering.
 */
export interface SignInRecorder {
  record(event: SignInEvent): Promise<void> | void;
  /**
   * Resolves once every event recorded so far is durable. Surfaces await it before answering,
   * so an acknowledged token request always has its row (absent: nothing to wait for).
   */
  flushed?(): Promise<void>;
}

/** For a server without persisted audit logs (tests, tools): one structured log line per request (docs/audit.md). */
export class LogSignInRecorder implements SignInRecorder {
  constructor(private readonly log: Logger) {}
  record(event: SignInEvent): void {
    this.log.info({ signIn: event }, 'sign-in');
  }
}
