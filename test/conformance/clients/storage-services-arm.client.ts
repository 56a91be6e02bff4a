/**
 * Unmodified @azure/arm-storage (StorageManagementClient, default api-version) on an account's
 * queue and table services. argv: JSON {tenantId, clientId, clientSecret, authorityHost,
 * armEndpoint, subscriptionId, rg, account}. Prints each step's result (or error code and status).
 */
import { ClientSecretCredential } from '@azure/identity';
import { StorageManagementClient } from '@azure/arm-storage';
import { stepper } from './client-steps.js';

const e = JSON.parse(process.argv[2]!) as Record<string, string>;
const credential = new ClientSecretCredential(e['tenantId']!, e['clientId']!, e['clientSecret']!, {
  authorityHost: e['authorityHost']!,
  disableInstanceDiscovery: true,
});
const c = new StorageManagementClient(credential, e['subscriptionId']!, { endpoint: e['armEndpoint']! });
const [rg, account] = [e['rg']!, e['account']!];
const out: Record<string, unknown> = {};
const step = stepper(out);
const cors = {
  corsRules: [
    {
      allowedOrigins: ['https://app.example'],
      allowedMethods: ['GET', 'PUT'] as ('GET' | 'PUT')[],
      maxAgeInSeconds: 60,
      exposedHeaders: ['x-ms-meta-*'],
      allowedHeaders: ['*'],
    },
  ],
};
await step('queueServiceSet', async () => (await c.queueServices.setServiceProperties(rg, account, { cors })).cors);
await step(
  'queueServiceGet',
  async () => (await c.queueServices.getServiceProperties(rg, account)).cors?.corsRules?.length,
);
await step(
  'queueCreate',
  async () => (await c.queue.create(rg, account, 'sdkq', { metadata: { owner: 'sdk' } })).metadata,
);
await step('queueGet', async () => (await c.queue.get(rg, account, 'sdkq')).metadata);
await step('queueList', async () => {
  const names: string[] = [];
  for await (const q of c.queue.list(rg, account)) names.push(q.name!);
  return names.sort();
});
await step('queueDelete', () => c.queue.delete(rg, account, 'sdkq').then(() => 'ok'));
await step('queueGone', () => c.queue.get(rg, account, 'sdkq').then(() => 'still there'));
await step(
  'tableServiceSet',
  async () => (await c.tableServices.setServiceProperties(rg, account, { cors })).cors?.corsRules?.[0]?.allowedOrigins,
);
await step('tableCreate', async () => (await c.table.create(rg, account, 'SdkTable')).tableName);
await step('tableGet', async () => (await c.table.get(rg, account, 'SdkTable')).name);
await step('tableList', async () => {
  const names: string[] = [];
  for await (const t of c.table.list(rg, account)) names.push(t.name!);
  return names.sort();
});
await step('tableDelete', () => c.table.delete(rg, account, 'SdkTable').then(() => 'ok'));
process.stdout.write(JSON.stringify(out));
