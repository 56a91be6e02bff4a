/**
 * The subscription-wide lists of four unmodified management SDKs (default api-versions), signed
 * in as a user-assigned identity through workload identity federation; run in a child process.
 * Prints each list's names, or the error the SDK raised.
 */
import { ClientAssertionCredential } from '@azure/identity';
import { ComputeManagementClient } from '@azure/arm-compute';
import { KeyVaultManagementClient } from '@azure/arm-keyvault';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { StorageManagementClient } from '@azure/arm-storage';

const env = JSON.parse(process.argv[2]!) as {
  tenantId: string;
  clientId: string;
  assertion: string;
  endpoint: string;
  subscriptionId: string;
};
const credential = new ClientAssertionCredential(env.tenantId, env.clientId, async () => env.assertion, {
  authorityHost: env.endpoint,
  disableInstanceDiscovery: true,
});
const [sub, options] = [env.subscriptionId, { endpoint: env.endpoint }];
const lists: Record<string, () => AsyncIterable<{ name?: string }>> = {
  identities: () =>
    new ManagedServiceIdentityClient(credential, sub, options).userAssignedIdentities.listBySubscription(),
  virtualMachines: () => new ComputeManagementClient(credential, sub, options).virtualMachines.listAll(),
  vaults: () => new KeyVaultManagementClient(credential, sub, options).vaults.listBySubscription(),
  storageAccounts: () => new StorageManagementClient(credential, sub, options).storageAccounts.list(),
};

const out: Record<string, unknown> = {};
for (const [key, list] of Object.entries(lists)) {
  try {
    const names: string[] = [];
    for await (const r of list()) names.push(r.name!);
    out[key] = names.sort();
  } catch (e) {
    const err = e as { statusCode?: number; code?: string };
    out[key] = { statusCode: err.statusCode, code: err.code };
  }
}
process.stdout.write(JSON.stringify(out));
