import type { Logger } from '../kernel/log.js';
import { AGENT_SIGNINS_DROPPED, type SignInDropCause } from '../wire/agent-protocol.js';
import type { AgentSignIn } from './sign-in-aggregator.js';

export const DROPPED_CODE = AGENT_SIGNINS_DROPPED;

const CAUSES: readonly SignInDropCause[] = ['unreachable', 'refused', 'bound'];
const none = (): Record<SignInDropCause, number> => ({ unreachable: 0, refused: 0, bound: 0 });

/**
 * Requests whose sign-in rows the agent could not upload, by their true cause: the agent's own
 * counters, a log line when it happens, and an `agent_signins_dropped` notice per cause for the
 * server, whose metric `openmi_agent_sign_ins_dropped_total{cause}` counts them (docs/audit.md).
 */
export class SignInDropLedger {
  /** Requests dropped since the agent started, by cause. */
  readonly total = none();
  private unsent = none();
  private readonly why: Partial<Record<SignInDropCause, string>> = {};

  constructor(private readonly log: Logger | undefined) {}

  /** Whether notices are waiting to be uploaded. */
  get pending(): boolean {
    return CAUSES.some((c) => this.unsent[c] > 0);
  }

  /** Counts `requests` lost to `cause`; `why` says what happened, in words, for the log and the notice. */
  add(cause: SignInDropCause, requests: number, why: string): void {
    if (requests <= 0) return;
    this.total[cause] += requests;
    this.unsent[cause] += requests;
    this.why[cause] = why;
    const line = `the agent dropped the sign-in rows of ${requests} requests: ${why}`;
    if (cause === 'refused') this.log?.error({ cause, requests }, line);
    else this.log?.warn({ cause, requests }, line);
  }

  /** One notice row per cause with drops not yet reported; they count as sent until `restore`. */
  take(now: number, uuid: () => string): AgentSignIn[] {
    const out: AgentSignIn[] = [];
    for (const cause of CAUSES) {
      const requests = this.unsent[cause];
      if (requests === 0) continue;
      const reason = `the agent dropped the sign-in rows of ${requests} requests: ${this.why[cause]}`;
      out.push({
        at: now,
        correlationId: uuid(),
        audience: null,
        principalId: null,
        clientId: null,
        identityResourceId: null,
        result: 'failure',
        errorCode: DROPPED_CODE,
        reason,
        latencyMs: 0,
        dropped: { requests, cause },
      });
    }
    this.unsent = none();
    return out;
  }

  /** Notices whose upload failed: counted as unsent again (the totals never changed). */
  restore(notices: readonly AgentSignIn[]): void {
    for (const n of notices) if (n.dropped) this.unsent[n.dropped.cause] += n.dropped.requests;
  }
}
