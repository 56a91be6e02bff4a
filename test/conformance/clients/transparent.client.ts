/**
 * Azure's own sample code, verbatim: DefaultAzureCredential, a ResourceManagementClient with no
 * endpoint and a SecretClient on `https://{vault}.vault.azure.net`, run under `openmi run` with
 * nothing openmi-specific in it (docs/clients.md#transparent-mode). Prints one JSON line.
 *
 *   node transparent.client.js write SUB RG VAULT   # sets db-password
 *   node transparent.client.js read SUB RG VAULT    # lists groups, reads the group and the secret
 */
import { DefaultAzureCredential } from '@azure/identity';
import { ResourceManagementClient } from '@azure/arm-resources';
import { SecretClient } from '@azure/keyvault-secrets';

const [mode, subscriptionId, group, vault] = process.argv.slice(2) as [string, string, string, string];
const credential = new DefaultAzureCredential();
const secrets = new SecretClient(`https://${vault}.vault.azure.net`, credential);

/** An Azure service openmi does not serve: must fail at once, on this machine. */
async function unserved(): Promise<{ code?: string | undefined; message?: string | undefined; ms: number }> {
  const started = performance.now();
  try {
    await fetch('https://ns1.servicebus.windows.net/');
    return { ms: performance.now() - started };
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause ?? {};
    return { code: cause.code, message: cause.message, ms: performance.now() - started };
  }
}

async function read(): Promise<unknown> {
  const arm = new ResourceManagementClient(credential, subscriptionId);
  const groups: string[] = [];
  for await (const g of arm.resourceGroups.list()) groups.push(g.name!);
  const one = await arm.resourceGroups.get(group);
  const secret = await secrets.getSecret('db-password');
  return { groups, location: one.location, value: secret.value, id: secret.properties.id, unserved: await unserved() };
}

try {
  const out =
    mode === 'write' ? { id: (await secrets.setSecret('db-password', 's3cret')).properties.id } : await read();
  console.log(JSON.stringify(out));
} catch (e) {
  console.log(JSON.stringify({ error: (e as Error).message }));
}
