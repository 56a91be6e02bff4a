import { arm } from './arm.js';
import { API } from './api-versions.js';
import type { LogPage } from './activity-log.js';

/** One token request as `GET /providers/OpenMI.Audit/signIns` returns it. */
export interface SignInWire {
  id: string;
  createdDateTime: string;
  correlationId: string;
  flow: string;
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

/** The flows the server records (src/server/audit/sign-ins.ts), with words for people. */
export const SIGN_IN_FLOWS: ReadonlyArray<{ value: string; label: string }> = [
  { value: 'managedIdentity', label: 'Managed identity' },
  { value: 'federated', label: 'Federated credential' },
  { value: 'clientCredentials', label: 'Client credentials' },
  { value: 'loginLink', label: 'Portal sign-in link' },
];

export const flowLabel = (flow: string) => SIGN_IN_FLOWS.find((f) => f.value === flow)?.label ?? flow;

/** Server-side filters: time range, identity (principal id, client id or resource id), calling resource, result. */
export interface SignInFilter {
  from?: string;
  to?: string;
  identity?: string;
  callingResource?: string;
  result?: 'success' | 'failure';
}

export function signInPage(f: SignInFilter, nextLink?: string): Promise<LogPage<SignInWire>> {
  const query = nextLink ? {} : { ...f, $top: '200' };
  return arm<LogPage<SignInWire>>('GET', nextLink ?? '/providers/OpenMI.Audit/signIns', { apiVersion: API.openmi, query });
}
