/** The sign-in log: one row per token request, as `GET /providers/OpenMI.Audit/signIns` returns it (docs/audit.md). */

export const SIGN_INS_PATH = '/providers/OpenMI.Audit/signIns';

/** How a token was asked for (`loginLink`: the web portal redeeming a one-time link from `openmi portal`; `containerRegistry`: a registry token, docs/registries.md). */
export type SignInFlow = 'managedIdentity' | 'federated' | 'clientCredentials' | 'loginLink' | 'containerRegistry';

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
  /** Who answered: the server, or an agent from its token cache. */
  source: 'server' | 'agentCache';
  requestCount?: number;
  lastDateTime?: string;
}
