/** Unmodified @azure/arm-msi (default api-version) against openmi; run in a child process. */
import { ClientSecretCredential } from '@azure/identity';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';

const env = JSON.parse(process.argv[2]!) as {
  tenantId: string;
  clientId: string;
  clientSecret: string;
  authorityHost: string;
  armEndpoint: string;
  subscriptionId: string;
  rg: string;
  vmId: string;
};
const credential = new ClientSecretCredential(env.tenantId, env.clientId, env.clientSecret, {
  authorityHost: env.authorityHost,
  disableInstanceDiscovery: true,
});
const msi = new ManagedServiceIdentityClient(credential, env.subscriptionId, { endpoint: env.armEndpoint });
const out: Record<string, unknown> = {};
const collect = async <T>(it: AsyncIterable<T>) => {
  const all: T[] = [];
  for await (const x of it) all.push(x);
  return all;
};

const created = await msi.userAssignedIdentities.createOrUpdate(env.rg, 'build-agent', {
  location: 'westeurope',
  tags: { team: 'platform' },
  isolationScope: 'None',
});
out['created'] = created;
out['again'] = await msi.userAssignedIdentities.createOrUpdate(env.rg, 'build-agent', {
  location: 'westeurope',
  tags: { team: 'infra' },
});
out['updated'] = await msi.userAssignedIdentities.update(env.rg, 'build-agent', { tags: { team: 'patched' } });
out['got'] = await msi.userAssignedIdentities.get(env.rg, 'build-agent');
for (let i = 0; i < 3; i++)
  await msi.userAssignedIdentities.createOrUpdate(env.rg, `extra-${i}`, { location: 'westeurope' });
out['byGroup'] = (await collect(msi.userAssignedIdentities.listByResourceGroup(env.rg))).map((i) => i.name);
out['bySubscription'] = (await collect(msi.userAssignedIdentities.listBySubscription())).map((i) => i.name);

const fic = {
  issuer: 'https://token.actions.githubusercontent.com',
  subject: 'repo:octo/app:ref:refs/heads/main',
  audiences: ['api://AzureADTokenExchange'],
};
out['fic'] = await msi.federatedIdentityCredentials.createOrUpdate(env.rg, 'build-agent', 'gh-main', fic);
for (let i = 0; i < 12; i++)
  await msi.federatedIdentityCredentials.createOrUpdate(env.rg, 'build-agent', `fic-${String(i).padStart(2, '0')}`, {
    ...fic,
    subject: `repo:octo/app:environment:e${i}`,
  });
out['ficGot'] = await msi.federatedIdentityCredentials.get(env.rg, 'build-agent', 'gh-main');
out['ficList'] = (await collect(msi.federatedIdentityCredentials.list(env.rg, 'build-agent', { top: 5 }))).map(
  (f) => f.name,
);
try {
  await msi.federatedIdentityCredentials.createOrUpdate(env.rg, 'build-agent', 'dup', fic);
  out['ficDuplicate'] = 'no error';
} catch (e) {
  out['ficDuplicate'] = {
    statusCode: (e as { statusCode?: number }).statusCode,
    code: (e as { code?: string }).code,
    message: (e as Error).message,
  };
}
await msi.federatedIdentityCredentials.delete(env.rg, 'build-agent', 'gh-main');
out['ficAfterDelete'] = (await collect(msi.federatedIdentityCredentials.list(env.rg, 'build-agent'))).length;

out['system'] = await msi.systemAssignedIdentities.getByScope(env.vmId);
out['operations'] = (await collect(msi.operations.list())).map((o) => o.name);

await msi.userAssignedIdentities.delete(env.rg, 'extra-0');
await msi.userAssignedIdentities.delete(env.rg, 'extra-0');
try {
  await msi.userAssignedIdentities.get(env.rg, 'extra-0');
  out['getDeleted'] = 'no error';
} catch (e) {
  out['getDeleted'] = { statusCode: (e as { statusCode?: number }).statusCode, code: (e as { code?: string }).code };
}
process.stdout.write(JSON.stringify(out));
