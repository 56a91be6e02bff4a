import { arm } from './arm.js';
import { API } from './api-versions.js';
import type { ArmPage } from '../../../src/wire/arm-page.js';
import { SIGN_INS_PATH, type SignInWire } from '../../../src/wire/sign-ins.js';

export type { SignInWire };

/** Requests a row stands for: charts and totals count these, not rows. */
export const requestsOf = (s: Pick<SignInWire, 'requestCount'>): number => s.requestCount ?? 1;

/** The flows the server records (src/server/audit/sign-ins.ts), with words for people. */
export const SIGN_IN_FLOWS: ReadonlyArray<{ value: string; label: string }> = [
  { value: 'managedIdentity', label: 'Managed identity' },
  { value: 'federated', label: 'Federated credential' },
  { value: 'clientCredentials', label: 'Client credentials' },
  { value: 'loginLink', label: 'Portal sign-in link' },
  { value: 'containerRegistry', label: 'Container registry token' },
];

export const flowLabel = (flow: string) => SIGN_IN_FLOWS.find((f) => f.value === flow)?.label ?? flow;

/** Server-side filters: time range, identity (principal id, client id or resource id), calling resource, result. */
export interface SignInFilter {
  from?: string | undefined;
  to?: string | undefined;
  identity?: string | undefined;
  callingResource?: string | undefined;
  result?: 'success' | 'failure' | undefined;
}

export function signInPage(f: SignInFilter, nextLink?: string): Promise<ArmPage<SignInWire>> {
  const query = nextLink ? {} : { ...f, $top: '200' };
  return arm<ArmPage<SignInWire>>('GET', nextLink ?? SIGN_INS_PATH, { apiVersion: API.openmi, query });
}
