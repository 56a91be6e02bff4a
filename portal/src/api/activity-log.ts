import { arm } from './arm.js';
import { API } from './api-versions.js';
import type { ActivityEventWire } from '../../../src/wire/activity-log.js';
import type { ArmPage } from '../../../src/wire/arm-page.js';

export type { ActivityEventWire, ArmPage as LogPage };

/** The server-side `$filter` terms (docs/audit.md): timestamp range and exact-match fields. */
export interface ActivityFilter {
  from?: string | undefined;
  to?: string | undefined;
  resourceUri?: string | undefined;
  resourceGroupName?: string | undefined;
  caller?: string | undefined;
}

const quote = (v: string) => `'${v.replace(/'/g, "''")}'`;

export function activityFilter(f: ActivityFilter): string {
  const terms: string[] = [];
  if (f.from) terms.push(`eventTimestamp ge ${quote(f.from)}`);
  if (f.to) terms.push(`eventTimestamp le ${quote(f.to)}`);
  if (f.resourceUri) terms.push(`resourceUri eq ${quote(f.resourceUri)}`);
  if (f.resourceGroupName) terms.push(`resourceGroupName eq ${quote(f.resourceGroupName)}`);
  if (f.caller) terms.push(`caller eq ${quote(f.caller)}`);
  return terms.join(' and ');
}

/** One page of events, newest first; pass the previous page's nextLink to continue. */
export function activityPage(sub: string, f: ActivityFilter, nextLink?: string): Promise<ArmPage<ActivityEventWire>> {
  const path = nextLink ?? `/subscriptions/${sub}/providers/Microsoft.Insights/eventtypes/management/values`;
  return arm<ArmPage<ActivityEventWire>>('GET', path, {
    apiVersion: API.insights,
    query: { $filter: activityFilter(f), $top: '200' },
  });
}
