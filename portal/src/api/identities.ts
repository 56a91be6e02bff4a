import { arm, armList } from './arm.js';
import { API } from './api-versions.js';
import type { IdentityWire } from '../../../src/wire/identities.js';
import type { ResourceGroupWire } from '../../../src/wire/resources.js';

export type { IdentityWire, ResourceGroupWire };

const UAI = 'providers/Microsoft.ManagedIdentity/userAssignedIdentities';

export const groupPath = (sub: string, rg: string) => `/subscriptions/${sub}/resourceGroups/${encodeURIComponent(rg)}`;
export const identityPath = (sub: string, rg: string, name: string) =>
  `${groupPath(sub, rg)}/${UAI}/${encodeURIComponent(name)}`;

/** The resource group named in an ARM id (`/subscriptions/…/resourceGroups/{rg}/…`). */
export function groupOf(id: string): string {
  return /\/resourceGroups\/([^/]+)/i.exec(id)?.[1] ?? '';
}

export const listIdentities = (sub: string) =>
  armList<IdentityWire>(`/subscriptions/${sub}/${UAI}`, { apiVersion: API.msi });

export const getIdentity = (sub: string, rg: string, name: string) =>
  arm<IdentityWire>('GET', identityPath(sub, rg, name), { apiVersion: API.msi });

export function createIdentity(
  sub: string,
  rg: string,
  name: string,
  location: string,
  tags: Record<string, string>,
): Promise<IdentityWire> {
  return arm<IdentityWire>('PUT', identityPath(sub, rg, name), { apiVersion: API.msi, body: { location, tags } });
}

export const deleteIdentity = (sub: string, rg: string, name: string) =>
  arm('DELETE', identityPath(sub, rg, name), { apiVersion: API.msi });

export const listResourceGroups = (sub: string) =>
  armList<ResourceGroupWire>(`/subscriptions/${sub}/resourcegroups`, { apiVersion: API.resources });

export function createResourceGroup(sub: string, name: string, location: string): Promise<ResourceGroupWire> {
  return arm<ResourceGroupWire>('PUT', groupPath(sub, name), { apiVersion: API.resources, body: { location } });
}

/** Parses `k=v, k2=v2` as typed in a form; blank input gives no tags. */
export function parseTags(text: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const i = part.indexOf('=');
    if (i <= 0)
      throw new Error(
        `The tag '${part}' is not in the form name=value. Separate tags with commas, e.g. team=payments, env=dev.`,
      );
    tags[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return tags;
}
