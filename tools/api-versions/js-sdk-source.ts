import { createRequire } from 'node:module';
import { createHttpHeaders, type HttpClient, type PipelineRequest } from '@azure/core-rest-pipeline';
import type { TokenCredential } from '@azure/core-auth';
import type { Found } from './merge.js';

/**
 * What the installed `@azure/arm-*` clients send by default: each probe builds the client with an
 * in-process HttpClient (nothing leaves the process) and records the api-version of one request
 * per resource type. The version a package embeds is otherwise only visible on the wire: newer
 * packages cannot even be told to send another one.
 */
export interface Probe {
  pkg: string;
  key: string;
  /** Calls one operation of the type on a client built with `options`. */
  call(mod: any, cred: TokenCredential, options: object): Promise<unknown>;
}

const SUB = '00000000-0000-0000-0000-000000000000';
const RG = `/subscriptions/${SUB}/resourceGroups/rg`;

export const PROBES: readonly Probe[] = [
  {
    pkg: '@azure/arm-compute',
    key: 'Microsoft.Compute/virtualMachines',
    call: (m, c, o) => new m.ComputeManagementClient(c, SUB, o).virtualMachines.get('rg', 'vm'),
  },
  {
    pkg: '@azure/arm-compute',
    key: 'Microsoft.Compute/virtualMachineScaleSets',
    call: (m, c, o) => new m.ComputeManagementClient(c, SUB, o).virtualMachineScaleSets.get('rg', 'ss'),
  },
  {
    pkg: '@azure/arm-appservice',
    key: 'Microsoft.Web/sites',
    call: (m, c, o) => new m.WebSiteManagementClient(c, SUB, o).webApps.get('rg', 'site'),
  },
  {
    pkg: '@azure/arm-containerinstance',
    key: 'Microsoft.ContainerInstance/containerGroups',
    call: (m, c, o) => new m.ContainerInstanceManagementClient(c, SUB, o).containerGroups.get('rg', 'cg'),
  },
  {
    pkg: '@azure/arm-appcontainers',
    key: 'Microsoft.App/containerApps',
    call: (m, c, o) => new m.ContainerAppsAPIClient(c, SUB, o).containerApps.get('rg', 'app'),
  },
  {
    pkg: '@azure/arm-hybridcompute',
    key: 'Microsoft.HybridCompute/machines',
    call: (m, c, o) => new m.HybridComputeManagementClient(c, SUB, o).machines.get('rg', 'm'),
  },
  {
    pkg: '@azure/arm-keyvault',
    key: 'Microsoft.KeyVault/vaults',
    call: (m, c, o) => new m.KeyVaultManagementClient(c, SUB, o).vaults.get('rg', 'kv'),
  },
  {
    pkg: '@azure/arm-keyvault',
    key: 'Microsoft.KeyVault/vaults',
    call: (m, c, o) =>
      new m.KeyVaultManagementClient(c, SUB, o).vaults.checkNameAvailability({
        name: 'kv',
        type: 'Microsoft.KeyVault/vaults',
      }),
  },
  {
    pkg: '@azure/arm-storage',
    key: 'Microsoft.Storage/storageAccounts',
    call: (m, c, o) => new m.StorageManagementClient(c, SUB, o).storageAccounts.getProperties('rg', 'sa'),
  },
  {
    pkg: '@azure/arm-storage',
    key: 'Microsoft.Storage/storageAccounts',
    call: (m, c, o) =>
      new m.StorageManagementClient(c, SUB, o).storageAccounts.checkNameAvailability({
        name: 'sa',
        type: 'Microsoft.Storage/storageAccounts',
      }),
  },
  {
    pkg: '@azure/arm-monitor',
    key: 'Microsoft.Insights/eventtypes/values',
    call: (m, c, o) => new m.MonitorClient(c, SUB, o).activityLogs.list("eventTimestamp ge '2026-01-01'").next(),
  },
  {
    pkg: '@azure/arm-resources',
    key: 'Microsoft.Resources',
    call: (m, c, o) => new m.ResourceManagementClient(c, SUB, o).resourceGroups.get('rg'),
  },
  {
    pkg: '@azure/arm-resources',
    key: 'Microsoft.Resources',
    call: (m, c, o) => new m.ResourceManagementClient(c, SUB, o).providers.get('Microsoft.Compute'),
  },
  {
    pkg: '@azure/arm-resources-subscriptions',
    key: 'Microsoft.Resources',
    call: (m, c, o) => new m.SubscriptionClient(c, o).subscriptions.get(SUB),
  },
  {
    pkg: '@azure/arm-resources-subscriptions',
    key: 'Microsoft.Resources',
    call: (m, c, o) => new m.SubscriptionClient(c, o).tenants.list().next(),
  },
  {
    pkg: '@azure/arm-msi',
    key: 'Microsoft.ManagedIdentity',
    call: (m, c, o) => new m.ManagedServiceIdentityClient(c, SUB, o).userAssignedIdentities.get('rg', 'id'),
  },
  {
    pkg: '@azure/arm-msi',
    key: 'Microsoft.ManagedIdentity',
    call: (m, c, o) => new m.ManagedServiceIdentityClient(c, SUB, o).systemAssignedIdentities.getByScope(RG),
  },
  {
    pkg: '@azure/arm-authorization',
    key: 'Microsoft.Authorization/roleAssignments',
    call: (m, c, o) => new m.AuthorizationManagementClient(c, SUB, o).roleAssignments.get(RG, SUB),
  },
  {
    pkg: '@azure/arm-authorization',
    key: 'Microsoft.Authorization/roleDefinitions',
    call: (m, c, o) => new m.AuthorizationManagementClient(c, SUB, o).roleDefinitions.get(RG, SUB),
  },
  {
    pkg: '@azure/arm-authorization',
    key: 'Microsoft.Authorization/denyAssignments',
    call: (m, c, o) => new m.AuthorizationManagementClient(c, SUB, o).denyAssignments.get(RG, SUB),
  },
];

const credential: TokenCredential = {
  getToken: async () => ({ token: 'probe', expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/** An HttpClient that answers every request with a 404 and remembers its URL. */
function recorder(urls: string[]): HttpClient {
  return {
    sendRequest: async (request: PipelineRequest) => {
      urls.push(request.url);
      const bodyAsText = '{"error":{"code":"ResourceNotFound","message":"probe"}}';
      return { status: 404, headers: createHttpHeaders({ 'content-type': 'application/json' }), request, bodyAsText };
    },
  };
}

const require = createRequire(import.meta.url);
export const installedVersion = (pkg: string): string =>
  (require(`${pkg}/package.json`) as { version: string }).version;

/** One probe's result: the package, the tracked key and the api-version its request carried. */
export async function runProbe(p: Probe): Promise<Found & { url: string }> {
  const urls: string[] = [];
  const mod = await import(p.pkg);
  await Promise.resolve(p.call(mod, credential, { httpClient: recorder(urls), retryOptions: { maxRetries: 0 } })).catch(
    () => undefined,
  );
  const url = urls[0];
  const version = url ? new URL(url).searchParams.get('api-version') : null;
  if (!url || !version)
    throw new Error(
      `${p.pkg} sent no request with an api-version for ${p.key}; update its probe in tools/api-versions/js-sdk-source.ts.`,
    );
  return { key: p.key, version, source: `js:${p.pkg}@${installedVersion(p.pkg)}`, url };
}

/** Every probe's default, plus the versions a modular package lists in its `KnownVersions` enum. */
export async function readJsSdkVersions(): Promise<Found[]> {
  const out: Found[] = [];
  for (const p of PROBES) {
    const found = await runProbe(p);
    out.push({ key: found.key, version: found.version, source: found.source });
    const known = ((await import(p.pkg)) as { KnownVersions?: Record<string, string> }).KnownVersions;
    for (const v of Object.values(known ?? {})) out.push({ key: p.key, version: v, source: found.source });
  }
  return out;
}
