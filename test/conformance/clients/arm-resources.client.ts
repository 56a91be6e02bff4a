/**
 * Runs in a child process so NODE_EXTRA_CA_CERTS (read only at process start) is the ONLY way the
 * client trusts openmi's CA, exactly as a user's process would. Unmodified Azure SDK clients.
 */
import { ClientSecretCredential } from '@azure/identity';
import { ResourceManagementClient } from '@azure/arm-resources';

const env = JSON.parse(process.argv[2]!) as {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  authorityHost: string;
  armEndpoint: string;
  subscriptionId: string;
};
const credential = new ClientSecretCredential(env.tenantId, env.clientId, env.clientSecret, {
  authorityHost: env.authorityHost,
  disableInstanceDiscovery: true,
});
const client = new ResourceManagementClient(credential, env.subscriptionId, { endpoint: env.armEndpoint });

const names = ['sdk-a', 'sdk-b', 'sdk-c', 'sdk-d', 'sdk-e'];
const out: Record<string, unknown> = {};
for (const n of names) {
  const rg = await client.resourceGroups.createOrUpdate(n, { location: 'westeurope', tags: { by: 'sdk' } });
  if (n === 'sdk-a') out['created'] = rg;
}
out['got'] = await client.resourceGroups.get('sdk-b');
const pages: string[][] = [];
for await (const page of client.resourceGroups.list({ top: 2 }).byPage()) pages.push(page.map((g) => g.name!));
out['pages'] = pages;
// Resources – List over every type: what resources.list* and the Key Vault SDKs' vaults.list() call.
const ids = `/subscriptions/${env.subscriptionId}/resourceGroups/sdk-a/providers`;
const { ManagedServiceIdentityClient } = await import('@azure/arm-msi');
const msi = new ManagedServiceIdentityClient(credential, env.subscriptionId, { endpoint: env.armEndpoint });
for (const n of ['id-x', 'id-y', 'id-z'])
  await msi.userAssignedIdentities.createOrUpdate('sdk-a', n, {
    location: 'westeurope',
    tags: { tier: n === 'id-z' ? 'gold' : 'std' },
  });
const resourcePages: string[][] = [];
for await (const page of client.resources
  .list({ top: 2, filter: "resourceType eq 'Microsoft.ManagedIdentity/userAssignedIdentities'" })
  .byPage())
  resourcePages.push(page.map((r) => r.name!));
out['resourcePages'] = resourcePages;
const inGroup: string[] = [];
for await (const r of client.resources.listByResourceGroup('sdk-a', {
  filter: "tagName eq 'tier' and tagValue eq 'gold'",
  expand: 'createdTime,changedTime,provisioningState',
}))
  inGroup.push(`${r.name}:${r.provisioningState}:${r.createdTime instanceof Date}`);
out['inGroup'] = inGroup;
out['byId'] = (
  await client.resources.getById(`${ids}/Microsoft.ManagedIdentity/userAssignedIdentities/id-y`, '2023-01-31')
).name;
out['exists'] = (await client.resourceGroups.checkExistence('sdk-c')).body;
await client.resourceGroups.beginDeleteAndWait('sdk-c');
out['existsAfterDelete'] = (await client.resourceGroups.checkExistence('sdk-c')).body;
try {
  await client.resourceGroups.get('sdk-c');
  out['getDeleted'] = 'no error';
} catch (e) {
  out['getDeleted'] = { statusCode: (e as { statusCode?: number }).statusCode, code: (e as { code?: string }).code };
}
process.stdout.write(JSON.stringify(out));
