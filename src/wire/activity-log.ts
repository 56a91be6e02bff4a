/**
 * One activity-log event in Azure Monitor's EventData shape, as
 * `GET /subscriptions/{id}/providers/Microsoft.Insights/eventtypes/management/values` returns it
 * (https://learn.microsoft.com/en-us/rest/api/monitor/activity-logs/list). openmi records the
 * EndRequest of each change only (docs/audit.md). With `$select`, only the fields asked for come back.
 */
export interface LocalizableString {
  value: string;
  localizedValue: string;
}

export interface ActivityEventWire {
  authorization: { action: string; scope: string };
  caller: string;
  channels: string;
  correlationId: string;
  description: string;
  eventDataId: string;
  eventName: LocalizableString;
  category: LocalizableString;
  eventTimestamp: string;
  id: string;
  level: 'Error' | 'Informational';
  operationId: string;
  operationName: LocalizableString;
  resourceGroupName: string;
  resourceProviderName: LocalizableString;
  resourceType: LocalizableString;
  resourceId: string;
  status: LocalizableString;
  /** The HTTP status of a failed call; empty for successes. */
  subStatus: LocalizableString;
  submissionTimestamp: string;
  subscriptionId: string;
  tenantId: string;
  /** `principalId` and `roleDefinitionId` appear here for role-assignment changes. */
  properties: Record<string, string>;
}
