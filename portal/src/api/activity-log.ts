import { arm } from './arm.js';
import { API } from './api-versions.js';

interface Named {
  value: string;
  localizedValue?: string;
}

/** One activity-log event in Azure's EventData shape (openmi records the EndRequest only). */
export interface ActivityEventWire {
  eventDataId: string;
  id: string;
  eventTimestamp: string;
  operationName: Named;
  status: Named;
  subStatus?: Named;
  resourceId: string;
  resourceGroupName?: string;
  resourceType?: Named;
  caller: string;
  correlationId: string;
  level?: string;
  properties?: Record<string, string>;
  [field: string]: unknown;
}

export interface LogPage<T> {
  value: T[];
  nextLink?: string;
}

/** The server-side `$filter` terms (docs/audit.md): timestamp range and exact-match fields. */
export interface ActivityFilter {
  from?: string;
  to?: string;
  resourceUri?: string;
  resourceGroupName?: string;
  caller?: string;
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
export function activityPage(sub: string, f: ActivityFilter, nextLink?: string): Promise<LogPage<ActivityEventWire>> {
  const path = nextLink ?? `/subscriptions/${sub}/providers/Microsoft.Insights/eventtypes/management/values`;
  return arm<LogPage<ActivityEventWire>>('GET', path, { apiVersion: API.insights, query: { $filter: activityFilter(f), $top: '200' } });
}
