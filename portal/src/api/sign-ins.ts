import { armList } from './arm.js';
import { API } from './api-versions.js';

export type SignInFlow = 'managedIdentity' | 'federated' | 'clientCredentials' | 'loginLink';

/** One token request as `/providers/OpenMI.Audit/signIns` returns it. */
export interface SignInWire {
  id: string;
  createdDateTime: string;
  correlationId: string;
  flow: SignInFlow;
  servicePrincipalId: string | null;
  appId: string | null;
  /** The audience asked for. */
  resourceId: string | null;
  managedServiceIdentity: { associatedResourceId: string | null; identityResourceId: string | null; agentId: string | null };
  status: { errorCode: string | null; failureReason: string | null };
  result: 'success' | 'failure';
  durationMs: number;
  source: 'server' | 'agentCache';
}

export interface SignInQuery {
  /** Principal (object) id, client id or identity resource id. */
  identity?: string;
  /** ARM id of the compute resource that asked. */
  callingResource?: string;
  result?: 'success' | 'failure';
  from?: Date;
  to?: Date;
}

export const SIGN_INS_PATH = '/providers/OpenMI.Audit/signIns';

/** The sign-in log, newest first, following nextLink up to `max` rows. */
export function querySignIns(q: SignInQuery, max = 5_000): Promise<SignInWire[]> {
  return armList<SignInWire>(
    SIGN_INS_PATH,
    {
      apiVersion: API.openmi,
      query: {
        identity: q.identity,
        callingResource: q.callingResource,
        result: q.result,
        from: q.from?.toISOString(),
        to: q.to?.toISOString(),
        $top: String(Math.min(1000, Math.max(1, max))),
      },
    },
    max,
  );
}
