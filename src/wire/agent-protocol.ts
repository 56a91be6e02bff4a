/**
 * Shapes of the agent protocol (docs/agent-protocol.md) shared by the server that mints and the
 * agent that asks: one definition, so the two sides cannot drift apart.
 */

/** The ways a workload can name a user-assigned identity (IMDS, App Service and the 2017 API). */
export type SelectorName = 'client_id' | 'object_id' | 'principal_id' | 'msi_res_id' | 'mi_res_id';

export const SELECTOR_NAMES: readonly SelectorName[] = [
  'client_id',
  'object_id',
  'principal_id',
  'msi_res_id',
  'mi_res_id',
];

export interface IdentitySelector {
  name: SelectorName;
  value: string;
}

/** A token minted for an agent's resource: the body of `POST /openmi/agent/v1/token`. */
export interface MintedToken {
  accessToken: string;
  /** Epoch seconds. */
  issuedAt: number;
  expiresOn: number;
  /** The resource exactly as requested. */
  resource: string;
  clientId: string;
  objectId: string;
  /** ARM id of the identity: the user-assigned identity, or the resource itself for system-assigned. */
  identityResourceId: string;
}

/**
 * Why an agent could not upload some sign-in rows (docs/agent-protocol.md, "Sign-ins"):
 * `unreachable` — its backlog was full while uploads kept failing (network, timeouts, 5xx, 408, 429);
 * `refused` — the server answered a batch with a definitive 4xx, so sending it again cannot help;
 * `bound` — more distinct keys (identity, audience, result) in one window, or more rows waiting,
 * than the agent holds, while the server was reachable.
 */
export type SignInDropCause = 'unreachable' | 'refused' | 'bound';

/** The error code of an agent's notice that it dropped sign-in rows (with `dropped` set). */
export const AGENT_SIGNINS_DROPPED = 'agent_signins_dropped';

/**
 * One row of `POST /openmi/agent/v1/signins` `{"events": [...]}`: the requests an agent answered
 * without a mint (cache hits, its own refusals) that share identity, audience, result and window.
 * `count` and `lastAt` are absent on the per-request rows of older agents (one request, at `at`).
 * The server takes the agent and calling resource from the authenticated agent, never from here.
 */
export interface AgentSignInRow {
  /** Epoch ms of the first request the row stands for. */
  at: number;
  correlationId: string;
  audience: string | null;
  principalId: string | null;
  clientId: string | null;
  identityResourceId: string | null;
  result: 'success' | 'failure';
  errorCode: string | null;
  reason: string | null;
  /** The longest answer among the row's requests, in ms. */
  latencyMs: number;
  /** Requests the row stands for (absent: 1). */
  count?: number;
  /** Epoch ms of the last of them (absent: `at`). */
  lastAt?: number;
  /** Only on an `agent_signins_dropped` notice: how many requests lost their rows, and why. */
  dropped?: { requests: number; cause: SignInDropCause };
}
