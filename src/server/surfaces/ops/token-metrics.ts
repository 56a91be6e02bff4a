import { Counter, Histogram, type Registry } from 'prom-client';
import type { SignInEvent, SignInFlow, SignInRecorder } from '../../audit/sign-ins.js';
import { TokenIssuer, type IssueRequest, type IssuedToken } from '../../tokens/issue.js';

/** The flow labels, in Prometheus' snake_case; anything else (there is nothing else today) is `other`. */
const FLOWS: Readonly<Record<SignInFlow, string>> = {
  clientCredentials: 'client_credentials',
  federated: 'federated',
  managedIdentity: 'managed_identity',
  loginLink: 'login_link',
  // Gate sign-ins are not token requests and never reach the token metrics (surfaces.ts); named for completeness.
  gate: 'gate',
  containerRegistry: 'container_registry',
};
const flowLabel = (flow: string): string => FLOWS[flow as SignInFlow] ?? 'other';

/** Mint durations: an RS256 signature takes about a millisecond; a queue for the signing workers more. */
const MINT_BUCKETS = [0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];
/** Error codes are the wire's (oauth-errors.ts, agent-errors.ts): a few dozen. A bug must not grow the series. */
const MAX_REASONS = 64;
const REASON = /^[a-z][a-z0-9_]{0,63}$/i;
const USER_ASSIGNED = /\/providers\/microsoft\.managedidentity\/userassignedidentities\//i;

/** application (client secret, login link), or the managed identity's kind (agent mint, federated exchange). */
function identityKind(e: SignInEvent): string {
  if (e.identityResourceId === null) return 'application';
  return USER_ASSIGNED.test(e.identityResourceId) ? 'user_assigned' : 'system_assigned';
}

/** Tokens issued and refused by the server (both token surfaces), token-request and mint durations. */
export class TokenMetrics {
  private readonly reasons = new Set<string>();
  private readonly issued: Counter<'flow' | 'identity_kind'>;
  private readonly refused: Counter<'flow' | 'reason'>;
  private readonly request: Histogram<'flow'>;
  private readonly mint: Histogram;

  constructor(registry: Registry, requestBuckets: number[]) {
    const registers = [registry];
    this.issued = new Counter({
      name: 'openmi_tokens_issued_total',
      help: 'Tokens the server issued, by flow and identity kind (application, user_assigned, system_assigned)',
      labelNames: ['flow', 'identity_kind'] as const,
      registers,
    });
    this.refused = new Counter({
      name: 'openmi_tokens_refused_total',
      help: 'Token requests the server refused, by flow and error code (as answered on the wire)',
      labelNames: ['flow', 'reason'] as const,
      registers,
    });
    this.request = new Histogram({
      name: 'openmi_token_request_duration_seconds',
      help: 'Whole token-endpoint requests (OAuth token endpoints, agent token API), from arrival to answer, by flow',
      labelNames: ['flow'] as const,
      buckets: requestBuckets,
      registers,
    });
    this.mint = new Histogram({
      name: 'openmi_token_mint_duration_seconds',
      help: 'Building and signing one token, the wait for a signing worker included',
      buckets: MINT_BUCKETS,
      registers,
    });
  }

  /** One token request, as its sign-in event says (server-side events only: agents report their own). */
  outcome(e: SignInEvent): void {
    const flow = flowLabel(e.flow);
    if (e.result === 'success') this.issued.inc({ flow, identity_kind: identityKind(e) });
    else this.refused.inc({ flow, reason: this.reason(e.errorCode) });
  }

  requestDone(flow: string, seconds: number): void {
    this.request.observe({ flow: flowLabel(flow) }, seconds);
  }

  minted(seconds: number): void {
    this.mint.observe(seconds);
  }

  private reason(code: string | null): string {
    if (code === null || !REASON.test(code)) return 'other';
    if (this.reasons.has(code)) return code;
    if (this.reasons.size >= MAX_REASONS) return 'other';
    this.reasons.add(code);
    return code;
  }
}

/**
 * Counts every token request the server answers on its way to the sign-in log: each token surface
 * records exactly one event per request (docs/audit.md). Rows agents upload are not counted here.
 */
export function countingSignIns(inner: SignInRecorder, tokens: TokenMetrics): SignInRecorder {
  return {
    record(event) {
      if (event.source !== 'agentCache') tokens.outcome(event);
      return inner.record(event);
    },
    ...(inner.flushed ? { flushed: () => inner.flushed!() } : {}),
  };
}

/** A TokenIssuer whose mints are timed, so the token domain itself carries no metrics code. */
export class TimedTokenIssuer extends TokenIssuer {
  private readonly onMint: (seconds: number) => void;

  constructor(tokens: TokenMetrics, ...args: ConstructorParameters<typeof TokenIssuer>) {
    super(...args);
    this.onMint = (s) => tokens.minted(s);
  }

  override async issueAsync(r: IssueRequest): Promise<IssuedToken> {
    const started = performance.now();
    try {
      return await super.issueAsync(r);
    } finally {
      this.onMint((performance.now() - started) / 1000);
    }
  }
}
