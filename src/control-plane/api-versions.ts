/** api-versions accepted per resource type (spec 02 §1.1). Clients send their own default; accept a set. */
export const RESOURCES_API_VERSIONS = [
  '2014-04-01', '2015-01-01', '2015-11-01', '2016-02-01', '2016-06-01', '2016-07-01', '2016-09-01', '2017-05-10', '2017-08-01',
  '2018-02-01', '2018-05-01', '2019-03-01', '2019-05-01', '2019-05-10', '2019-06-01', '2019-07-01', '2019-08-01', '2019-10-01',
  '2019-11-01', '2020-01-01', '2020-06-01', '2020-08-01', '2020-10-01', '2021-01-01', '2021-04-01', '2022-01-01', '2022-09-01',
  '2022-12-01', '2023-07-01', '2024-03-01', '2024-07-01', '2024-11-01', '2025-03-01', '2025-04-01',
] as const;

/** `/metadata/endpoints`: the Azure CLI sends 2015-01-01 (object shape) or 2022-09-01 (array shape). */
export const METADATA_API_VERSIONS = ['2015-01-01', '2018-01-01', '2019-05-01', '2020-06-01', '2022-09-01'] as const;

/** Microsoft.ManagedIdentity (spec 02 §1.1); arm-msi 2.2.0 sends 2024-11-30, the Azure CLI 2022-01-31-preview. */
export const MSI_API_VERSIONS = ['2018-11-30', '2021-09-30-preview', '2022-01-31-preview', '2023-01-31', '2023-07-31-preview', '2024-11-30', '2025-01-31-preview'] as const;

/** listAssociatedResources exists only in preview api-versions (spec 02 §3.5). */
export const MSI_PREVIEW_API_VERSIONS = ['2021-09-30-preview', '2022-01-31-preview', '2023-07-31-preview', '2025-01-31-preview'] as const;

/** openmi's own resource providers (OpenMI.Agents, OpenMI.Tokens, OpenMI.Audit, OpenMI.Portal): agents, keys, revocation, workload tokens, logs, portal login links. */
export const OPENMI_API_VERSIONS = ['2025-01-01'] as const;

/**
 * Microsoft.Authorization role assignments (spec 02 §1.1): arm-authorization 9 sends 2022-04-01, the
 * Azure CLI 2.45 2020-04-01-preview; older ones share the shape (extra properties are ignored).
 */
export const ROLE_ASSIGNMENT_API_VERSIONS = ['2015-07-01', '2018-01-01-preview', '2018-09-01-preview', '2020-03-01-preview', '2020-04-01-preview', '2020-08-01-preview', '2020-10-01-preview', '2022-01-01-preview', '2022-04-01'] as const;

/** Role definitions: arm-authorization 9 sends 2022-04-01, the Azure CLI 2.45 2018-01-01-preview. */
export const ROLE_DEFINITION_API_VERSIONS = ['2015-07-01', '2018-01-01-preview', '2022-04-01', '2022-05-01-preview'] as const;

/** Deny assignments (always an empty list in openmi). */
export const DENY_ASSIGNMENT_API_VERSIONS = ['2018-07-01-preview', '2022-04-01'] as const;
