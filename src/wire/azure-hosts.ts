/**
 * Azure's public host names, in one table for the server (certificate names, Host routing) and
 * the `openmi run` resolvers (which names to send to openmi, which to stop), so they cannot drift
 * apart. Endpoints of the public cloud:
 * https://learn.microsoft.com/en-us/azure/azure-resource-manager/management/azure-services-resource-providers
 * and https://learn.microsoft.com/en-us/azure/key-vault/general/about-keys-secrets-certificates#dns-suffixes-for-object-identifiers.
 * docs/clients.md#azure-host-names lists them for users.
 */

/** Single host names openmi answers on: Resource Manager, the token service and discovery, Graph. */
export const AZURE_SERVED_HOSTS: readonly string[] = [
  'management.azure.com',
  'login.microsoftonline.com',
  'graph.microsoft.com',
];

/** Data planes: one origin per resource, `{name}{suffix}` with a single-label name. */
export const AZURE_VAULT_SUFFIX = '.vault.azure.net';
export const AZURE_BLOB_SUFFIX = '.blob.core.windows.net';
/** Data Lake Storage Gen2: the same accounts' hierarchical namespace (docs/data-planes.md#data-lake). */
export const AZURE_DFS_SUFFIX = '.dfs.core.windows.net';
export const AZURE_QUEUE_SUFFIX = '.queue.core.windows.net';
export const AZURE_TABLE_SUFFIX = '.table.core.windows.net';
export const AZURE_SERVED_SUFFIXES: readonly string[] = [
  AZURE_VAULT_SUFFIX,
  AZURE_BLOB_SUFFIX,
  AZURE_DFS_SUFFIX,
  AZURE_QUEUE_SUFFIX,
  AZURE_TABLE_SUFFIX,
];

/**
 * Domains that belong to Azure's public cloud. A name under one of them that openmi does not
 * serve (Service Bus, Cosmos DB, queues, other clouds' logins …) is stopped in the child, so a
 * workload that believes it is on Azure never reaches the real service with a local token.
 */
export const AZURE_DOMAINS: readonly string[] = [
  'azure.com',
  'azure.net',
  'windows.net',
  'microsoftonline.com',
  'azurecr.io',
  'azurewebsites.net',
  'azure-api.net',
  'azure-devices.net',
  'azureedge.net',
  'azurefd.net',
  'login.microsoft.com',
];

/** The name openmi's server certificate must cover for each served host: wildcards for the data planes. */
export const AZURE_CERTIFICATE_NAMES: readonly string[] = [
  ...AZURE_SERVED_HOSTS,
  ...AZURE_SERVED_SUFFIXES.map((s) => `*${s}`),
];

const normalized = (host: string): string => host.toLowerCase().replace(/\.$/, '');

/** The single-label name under `suffix` (`kv1` in `kv1.vault.azure.net`), or undefined. */
export function labelUnder(hostname: string, suffix: string): string | undefined {
  const h = normalized(hostname);
  if (!h.endsWith(suffix)) return undefined;
  const label = h.slice(0, -suffix.length);
  return label !== '' && !label.includes('.') ? label : undefined;
}

/** 'served' when openmi answers on this Azure name, 'unserved' for another Azure name, else undefined. */
export function azureHostKind(hostname: string): 'served' | 'unserved' | undefined {
  const h = normalized(hostname);
  if (AZURE_SERVED_HOSTS.includes(h)) return 'served';
  if (AZURE_SERVED_SUFFIXES.some((s) => labelUnder(h, s) !== undefined)) return 'served';
  return AZURE_DOMAINS.some((d) => h === d || h.endsWith(`.${d}`)) ? 'unserved' : undefined;
}
