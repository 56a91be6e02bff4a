import { randomUUID } from 'node:crypto';
import type { ControlPlaneChange } from './changes.js';
import type { AuditAppend } from '../../store/store.js';
import type { AuditEntryRecord } from '../../store/records.js';
import { canonicalJson } from '../../store/sql/audit-chain.js';
import { ACTIVITY_FIELD_BOUNDS as B, boundDetail, boundText } from './bounds.js';

/** What the activity log stores (and hashes) for one change: the change itself plus its event id. */
export interface ActivityEvent {
  eventId: string;
  operation: string;
  resourceId: string;
  status: 'Succeeded' | 'Failed';
  caller: string;
  correlationId: string;
  at: number;
  /** HTTP status of a failed call (successes are recorded before the status is known). */
  httpStatus?: number;
  detail?: Record<string, unknown>;
}

/** `/subscriptions/{s}/resourceGroups/{rg}/…` → its subscription and group ('' when absent). */
export function scopeParts(resourceId: string): { subscriptionId: string; resourceGroup: string } {
  const m = /^\/subscriptions\/([^/]+)(?:\/resourceGroups\/([^/]+))?/i.exec(resourceId);
  return { subscriptionId: m?.[1] ?? '', resourceGroup: m?.[2] ?? '' };
}

/** The filter columns of an event, derived only from what is hashed (verify re-derives them). */
export function activityKeys(e: ActivityEvent): Record<string, string> {
  const { subscriptionId, resourceGroup } = scopeParts(e.resourceId);
  return {
    subscription_key: subscriptionId.toLowerCase(),
    resource_group_key: resourceGroup.toLowerCase(),
    resource_key: e.resourceId.toLowerCase(),
    correlation_key: e.correlationId.toLowerCase(),
    caller_key: e.caller.toLowerCase(),
  };
}

/** The event as stored and hashed: every string cut to its bound (docs/audit.md). */
export function activityEvent(c: ControlPlaneChange, httpStatus?: number): ActivityEvent {
  return {
    eventId: randomUUID(),
    operation: boundText(c.operation, B.operation),
    resourceId: boundText(c.resourceId, B.resourceId),
    status: c.status,
    caller: boundText(c.actor.principalId, B.caller),
    correlationId: boundText(c.actor.correlationId, B.correlationId),
    at: c.at,
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    ...(c.detail ? { detail: boundDetail(c.detail) } : {}),
  };
}

/** The one place activity rows are built: changes in a transaction and failed calls alike. */
export function activityAppend(c: ControlPlaneChange, httpStatus?: number): AuditAppend {
  const e = activityEvent(c, httpStatus);
  return { at: e.at, data: canonicalJson(e), keys: activityKeys(e) };
}

export const parseActivity = (r: AuditEntryRecord): ActivityEvent => JSON.parse(r.data) as ActivityEvent;
