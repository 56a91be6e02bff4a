/**
 * A workload under `openmi run` with unmodified SDKs and DEFAULT options: @azure/keyvault-secrets
 * and @azure/arm-resources over one ManagedIdentityCredential. Reads one JSON command per stdin
 * line and answers one JSON line each. Arguments: vault URL, ARM endpoint, subscription id.
 */
import { createInterface } from 'node:readline';
import { ManagedIdentityCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';
import { ResourceManagementClient } from '@azure/arm-resources';

const [vaultUrl, armEndpoint, subscriptionId] = process.argv.slice(2) as [string, string, string];
const credential = new ManagedIdentityCredential();
const secrets = new SecretClient(vaultUrl, credential);
const arm = new ResourceManagementClient(credential, subscriptionId, { endpoint: armEndpoint });

type Cmd = { op: string; name?: string; value?: string };

const ops: Record<string, (c: Cmd) => Promise<unknown>> = {
  setSecret: async (c) => (await secrets.setSecret(c.name!, c.value!)).properties.version,
  getSecret: async (c) => (await secrets.getSecret(c.name!)).value,
  getGroup: async (c) => (await arm.resourceGroups.get(c.name!)).id,
  listGroups: async () => {
    const names: string[] = [];
    for await (const g of arm.resourceGroups.list()) names.push(g.name!);
    return names;
  },
  createGroup: async (c) => (await arm.resourceGroups.createOrUpdate(c.name!, { location: 'local' })).id,
};

for await (const line of createInterface({ input: process.stdin })) {
  const cmd = JSON.parse(line) as Cmd;
  let answer: unknown;
  try {
    answer = { ok: true, result: await ops[cmd.op]!(cmd) };
  } catch (e) {
    const err = e as { statusCode?: number; code?: string; message: string };
    answer = { ok: false, statusCode: err.statusCode, code: err.code, message: err.message };
  }
  process.stdout.write(`${JSON.stringify(answer)}\n`);
}
