import { arm, armList } from './arm.js';
import { API } from './api-versions.js';
import { identityPath } from './identities.js';
import type { FederatedCredentialWire } from '../../../src/wire/identities.js';

export type { FederatedCredentialWire };

export const DEFAULT_AUDIENCE = 'api://AzureADTokenExchange';

const ficBase = (sub: string, rg: string, identity: string) =>
  `${identityPath(sub, rg, identity)}/federatedIdentityCredentials`;

export const listFederatedCredentials = (sub: string, rg: string, identity: string) =>
  armList<FederatedCredentialWire>(ficBase(sub, rg, identity), { apiVersion: API.msi });

export interface FederatedCredentialInput {
  issuer: string;
  subject: string;
  audiences: string[];
}

export function putFederatedCredential(
  sub: string,
  rg: string,
  identity: string,
  name: string,
  p: FederatedCredentialInput,
): Promise<FederatedCredentialWire> {
  return arm<FederatedCredentialWire>('PUT', `${ficBase(sub, rg, identity)}/${encodeURIComponent(name)}`, {
    apiVersion: API.msi,
    body: { properties: p },
  });
}

export const deleteFederatedCredential = (sub: string, rg: string, identity: string, name: string) =>
  arm('DELETE', `${ficBase(sub, rg, identity)}/${encodeURIComponent(name)}`, { apiVersion: API.msi });

/** Audiences as typed: comma- or whitespace-separated. */
export const parseAudiences = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((a) => a.trim())
    .filter(Boolean);
