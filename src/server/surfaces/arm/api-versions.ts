import { z } from 'zod';
import data from './api-versions.generated.json' with { type: 'json' };

/**
 * api-versions accepted per resource type (docs/wire/arm.md#api-version). Clients send their own default and
 * cannot always be told otherwise (@azure/arm-compute 24 embeds 2026-03-01), so every type accepts
 * every version Azure publishes for it. The Azure resource providers' lists are generated into
 * api-versions.generated.json by `npm run api-versions:update` (tools/api-versions/), from the
 * REST specs, the installed @azure/arm-* packages and Debian's Python SDK and Azure CLI; a test
 * fails when an installed client sends a version that is not listed.
 */

const VERSION = /^\d{4}-\d\d-\d\d(-[a-z]+)?$/;
const fileSchema = z.object({
  comment: z.string(),
  types: z.record(z.string(), z.record(z.string().regex(VERSION, 'not an api-version'), z.array(z.string()).min(1))),
});

const generated = fileSchema.parse(data).types;

/** The published api-versions of a tracked type or namespace (keys of api-versions.generated.json), oldest first. */
export function publishedApiVersions(key: string): readonly string[] {
  const versions = generated[key];
  if (!versions || Object.keys(versions).length === 0)
    throw new Error(
      `api-versions.generated.json has no entry for '${key}'; add it to tools/api-versions/tracked.ts and run npm run api-versions:update.`,
    );
  return Object.freeze(Object.keys(versions).sort());
}

/** Microsoft.Resources: groups, subscriptions, tenants, locations and providers share one set, as in Azure. */
export const RESOURCES_API_VERSIONS = publishedApiVersions('Microsoft.Resources');

/** `/metadata/endpoints` is ARM's, not a provider's: the Azure CLI sends 2015-01-01 (object shape) or 2022-09-01 (array shape). */
export const METADATA_API_VERSIONS = ['2015-01-01', '2018-01-01', '2019-05-01', '2020-06-01', '2022-09-01'] as const;

/** Microsoft.ManagedIdentity: identities, federated credentials, system-assigned identities, operations. */
export const MSI_API_VERSIONS = publishedApiVersions('Microsoft.ManagedIdentity');

/** listAssociatedResources exists only in the previews from 2021-09-30-preview on (docs/wire/arm.md#api-version). */
export const MSI_PREVIEW_API_VERSIONS = Object.freeze(
  MSI_API_VERSIONS.filter((v) => v.endsWith('-preview') && v >= '2021-09-30'),
);

/** openmi's own resource providers (OpenMI.Agents, OpenMI.Tokens, OpenMI.Audit, OpenMI.Portal): agents, keys, revocation, workload tokens, logs, portal login links. */
export const OPENMI_API_VERSIONS = ['2025-01-01'] as const;

/** Role assignments: arm-authorization 9 sends 2022-04-01, the Azure CLI 2.45 2020-04-01-preview; older ones share the shape. */
export const ROLE_ASSIGNMENT_API_VERSIONS = publishedApiVersions('Microsoft.Authorization/roleAssignments');

/** Role definitions: arm-authorization 9 sends 2022-04-01, the Azure CLI 2.45 2018-01-01-preview. */
export const ROLE_DEFINITION_API_VERSIONS = publishedApiVersions('Microsoft.Authorization/roleDefinitions');

/** Deny assignments (always an empty list in openmi). */
export const DENY_ASSIGNMENT_API_VERSIONS = publishedApiVersions('Microsoft.Authorization/denyAssignments');

/** The activity log (`az monitor activity-log list`, arm-monitor's activityLogs). */
export const ACTIVITY_LOG_API_VERSIONS = publishedApiVersions('Microsoft.Insights/eventtypes/values');

export const KEY_VAULT_API_VERSIONS = publishedApiVersions('Microsoft.KeyVault/vaults');
export const STORAGE_API_VERSIONS = publishedApiVersions('Microsoft.Storage/storageAccounts');

/** Container registries (`az acr`, @azure/arm-containerregistry). */
export const REGISTRY_API_VERSIONS = publishedApiVersions('Microsoft.ContainerRegistry/registries');
