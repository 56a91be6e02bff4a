import { parseActivity, scopeParts, type ActivityEvent } from '../../../audit/activity.js';
import type { AuditQuery, Store } from '../../../../store/store.js';
import { ACTIVITY_LOG_API_VERSIONS } from '../api-versions.js';
import { ArmError } from '../arm-errors.js';
import { FILTER_TIME_EXAMPLE, parseFilterTime } from '../../../../kernel/filter-time.js';
import { nextLink, page, readSkipToken, readTop } from '../paging.js';
import type { ArmCall, ArmRoute } from '../router.js';
import type { ActivityEventWire } from '../../../../wire/activity-log.js';

const TYPE = 'Microsoft.Insights/eventtypes/values';

/** `$filter` fields we accept, and the activity-log column each one filters. */
const EQ_FIELDS: Record<string, string> = {
  resourcegroupname: 'resource_group_key',
  resourceuri: 'resource_key',
  resourceid: 'resource_key',
  correlationid: 'correlation_key',
  caller: 'caller_key',
};

function parseTime(raw: string): number {
  const t = parseFilterTime(raw);
  if (t === undefined)
    throw new ArmError(
      'InvalidParameter',
      `'${raw}' in $filter is not a date-time; use ${FILTER_TIME_EXAMPLE}.`,
      '$filter',
    );
  return t;
}

/** `field op value`: a value is 'quoted' ('' escapes a quote), datetime'…', or (date-times only) a bare token as az sends it. */
const CLAUSE = /^\s*(\w+)\s+(eq|ge|le)\s+('(?:[^']|'')*'|datetime(?:offset)?'[^']*'|[^\s']+)\s*$/i;
const unquote = (v: string): string | undefined => (/^'.*'$/s.test(v) ? v.slice(1, -1).replace(/''/g, "'") : undefined);

/** Parses az-style `$filter`: clauses joined by `and`, each `field eq|ge|le value`. */
export function parseActivityFilter(filter: string | null, subscriptionId: string): AuditQuery {
  const q: AuditQuery = { eq: { subscription_key: subscriptionId.toLowerCase() } };
  if (!filter) return q;
  for (const clause of filter.split(/\s+and\s+(?=(?:[^']*'[^']*')*[^']*$)/i)) {
    const m = CLAUSE.exec(clause);
    if (!m)
      throw new ArmError(
        'InvalidParameter',
        `Cannot parse '${clause}' in $filter; use e.g. eventTimestamp ge '2026-01-01T00:00:00Z' and resourceGroupName eq 'rg'.`,
        '$filter',
      );
    const [field, op, value] = [m[1]!.toLowerCase(), m[2]!.toLowerCase(), m[3]!];
    if (field === 'eventtimestamp' && op === 'ge') q.from = parseTime(value);
    else if (field === 'eventtimestamp' && op === 'le') q.to = parseTime(value);
    else if (op === 'eq' && EQ_FIELDS[field] && unquote(value) !== undefined)
      q.eq![EQ_FIELDS[field]] = unquote(value)!.toLowerCase();
    else if (op === 'eq' && EQ_FIELDS[field])
      throw new ArmError(
        'InvalidParameter',
        `The value of '${m[1]}' in $filter must be quoted: ${m[1]} eq '${value}'.`,
        '$filter',
      );
    else
      throw new ArmError(
        'InvalidParameter',
        `'${m[1]} ${m[2]}' is not supported in $filter. Filter on eventTimestamp ge/le, resourceGroupName, resourceUri, correlationId or caller with eq.`,
        '$filter',
      );
  }
  return q;
}

const named = (value: string) => ({ value, localizedValue: value });

/** One event in Azure's EventData shape (https://learn.microsoft.com/azure/azure-monitor/platform/activity-log-schema); we record only the EndRequest. */
export function eventData(e: ActivityEvent, tenantId: string): ActivityEventWire {
  const { subscriptionId, resourceGroup } = scopeParts(e.resourceId);
  const type = /\/providers\/([^/]+\/[^/]+)\/[^/]+$/i.exec(e.resourceId)?.[1] ?? '';
  const failed = e.status === 'Failed';
  return {
    authorization: { action: e.operation, scope: e.resourceId },
    caller: e.caller,
    channels: 'Operation',
    correlationId: e.correlationId,
    description: '',
    eventDataId: e.eventId,
    eventName: { value: 'EndRequest', localizedValue: 'End request' },
    category: named('Administrative'),
    eventTimestamp: new Date(e.at).toISOString(),
    id: `${e.resourceId}/events/${e.eventId}/ticks/${e.at * 10_000 + 621_355_968_000_000_000}`,
    level: failed ? 'Error' : 'Informational',
    operationId: e.eventId,
    operationName: named(e.operation),
    resourceGroupName: resourceGroup,
    resourceProviderName: named(e.operation.split('/')[0] ?? ''),
    resourceType: named(type),
    resourceId: e.resourceId,
    status: named(e.status),
    subStatus: named(e.httpStatus !== undefined ? String(e.httpStatus) : ''),
    submissionTimestamp: new Date(e.at).toISOString(),
    subscriptionId,
    tenantId,
    properties: {
      eventCategory: 'Administrative',
      entity: e.resourceId,
      message: e.operation,
      ...(e.detail ? { detail: JSON.stringify(e.detail) } : {}),
      ...principalOf(e),
    },
  };
}

/** Structured principalId/roleDefinitionId (openmi's addition, docs/wire/arm.md#activity-log) so callers need no string search. */
function principalOf(e: ActivityEvent): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of ['principalId', 'roleDefinitionId'] as const)
    if (typeof e.detail?.[k] === 'string') out[k] = e.detail[k] as string;
  return out;
}

function select<T extends object>(obj: T, fields: string | null): Partial<T> {
  if (!fields) return obj;
  const wanted = new Set(fields.split(',').map((f) => f.trim().toLowerCase()));
  return Object.fromEntries(Object.entries(obj).filter(([k]) => wanted.has(k.toLowerCase()))) as Partial<T>;
}

const VALUES = '/providers/Microsoft.Insights/eventtypes/management/values';

/**
 * `GET /subscriptions/{id}/providers/Microsoft.Insights/eventtypes/management/values` (what
 * `az monitor activity-log list` calls), and the same path at tenant scope, Azure's Tenant Activity
 * Logs (https://learn.microsoft.com/rest/api/monitor/tenant-activity-logs/list): events with no
 * subscription — directory groups and memberships, assignments at `/` (docs/groups.md).
 */
export function activityLogRoutes(d: { store: Store; baseUrl: string; tenantId: string }): ArmRoute[] {
  const list = async (c: ArmCall) => {
    const q = parseActivityFilter(c.ctx.query.get('$filter'), c.params['subscriptionId'] ?? '');
    const p = await d.store.audit.query('activity', q, readTop(c.ctx, 200, 1000), readSkipToken(c.ctx));
    const value = p.items.map((r) => select(eventData(parseActivity(r), d.tenantId), c.ctx.query.get('$select')));
    return { status: 200, body: page(value, nextLink(d.baseUrl, c.ctx, p.next)) };
  };
  const common = { resourceType: TYPE, apiVersions: ACTIVITY_LOG_API_VERSIONS };
  const methods = { GET: { action: 'Microsoft.Insights/eventtypes/values/read', handle: list } };
  return [
    { ...common, pattern: `/subscriptions/{subscriptionId}${VALUES}`, methods },
    { ...common, pattern: VALUES, methods },
  ];
}
