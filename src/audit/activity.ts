import { randomUUID } from 'node:crypto';
import type { ControlPlaneChange } from '../activity-log/changes.js';
import type { AuditAppend } from '../store/store.js';
import type { AuditEntryRecord } from '../store/records.js';
import { canonicalJson } from '../store/sql/audit-chain.js';

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

export function activityEvent(c: ControlPlaneChange, httpStatus?: number): ActivityEvent {
  return {
    eventId: randomUUID(),
    operation: c.operation,
    resourceId: c.resourceId,
    status: c.status,
    caller: c.actor.principalId,
    correlationId: c.actor.correlationId,
    at: c.at,
    ...(httpStatus !== undefined ? { httpStatus } : {}),
    ...(c.detail ? { detail: c.detail } : {}),
  };
}

export function activityAppend(c: ControlPlaneChange, httpStatus?: number): AuditAppend {
  const e = activityEvent(c, httpStatus);
  return { at: e.at, data: canonicalJson(e), keys: activityKeys(e) };
}

export const parseActivity = (r: AuditEntryRecord): ActivityEvent => JSON.parse(r.data) as ActivityEvent;
