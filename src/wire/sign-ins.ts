/** The sign-in log: one row per token request, as `GET /providers/OpenMI.Audit/signIns` returns it (docs/audit.md). */

export const SIGN_INS_PATH = '/providers/OpenMI.Audit/signIns';

/**
 * How a token was asked for (`loginLink`: the web portal redeeming a one-time link from `openmi portal`;
 * `containerRegistry`: a registry's /oauth2/exchange or /oauth2/token, docs/registries.md),
 * or `gate`: a gate that takes tokens as passwords (`openmi gate postgres`) admitted or refused a sign-in.
 */
export type SignInFlow =
  'managedIdentity' | 'federated' | 'clientCredentials' | 'loginLink' | 'gate' | 'containerRegistry';

/**
 * A sign-in in the terms of Microsoft Graph's signIn resource
 * (https://learn.microsoft.com/en-us/graph/api/resources/signin), with openmi's flow, agent and
 * source added. A row that counts several requests (refusals folded under a flood, or an agent's
 * cached answers of one minute) also says how many and when the last one arrived.
 */
export interface SignInWire {
  id: string;
  createdDateTime: string;
  correlationId: string;
  flow: SignInFlow;
  servicePrincipalId: string | null;
  appId: string | null;
  /** The audience asked for. */
  resourceId: string | null;
  managedServiceIdentity: {
    associatedResourceId: string | null;
    identityResourceId: string | null;
    agentId: string | null;
  };
  status: { errorCode: string | null; failureReason: string | null };
  result: 'success' | 'failure';
  durationMs: number;
  /** Who answered: the server, an agent from its token cache, or a gate (flow `gate`). */
  source: 'server' | 'agentCache' | 'gate';
  requestCount?: number;
  lastDateTime?: string;
}

/**
 * What a gate reports for one sign-in it decided (`POST /providers/OpenMI.Audit/signIns`, action
 * `OpenMI.Audit/signIns/write`): the token's claims it verified, the resource it guards, the outcome.
 */
export interface GateSignInReport {
  /** Epoch ms when the client's sign-in arrived. */
  at: number;
  correlationId: string;
  principalId: string | null;
  clientId: string | null;
  identityResourceId: string | null;
  /** ARM id of the resource the gate guards (the RBAC scope). */
  resourceId: string;
  /** The audience the gate accepts. */
  audience: string;
  result: 'success' | 'failure';
  errorCode: string | null;
  reason: string | null;
  latencyMs: number;
}
