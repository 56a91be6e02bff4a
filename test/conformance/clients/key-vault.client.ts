/**
 * An unmodified @azure/keyvault-secrets SecretClient with DEFAULT options and
 * ManagedIdentityCredential, run under `openmi run`. Reads one JSON command per stdin line and
 * answers one JSON line each, so the test can change role assignments between calls.
 */
import { createInterface } from 'node:readline';
import { ManagedIdentityCredential } from '@azure/identity';
import { SecretClient } from '@azure/keyvault-secrets';

// An optional second argument selects a user-assigned identity by client id.
const credential = process.argv[3]
  ? new ManagedIdentityCredential({ clientId: process.argv[3] })
  : new ManagedIdentityCredential();
const client = new SecretClient(process.argv[2]!, credential);

type Cmd = { op: string; name?: string; value?: string; version?: string; tags?: Record<string, string> };

const ops: Record<string, (c: Cmd) => Promise<unknown>> = {
  set: async (c) => (await client.setSecret(c.name!, c.value!, { contentType: 'text/plain' })).properties.version,
  get: async (c) => {
    const s = await client.getSecret(c.name!, c.version ? { version: c.version } : {});
    return {
      value: s.value,
      version: s.properties.version,
      vaultUrl: s.properties.vaultUrl,
      contentType: s.properties.contentType,
    };
  },
  list: async () => {
    const names: string[] = [];
    for await (const p of client.listPropertiesOfSecrets()) names.push(p.name);
    return names;
  },
  versions: async (c) => {
    const v: string[] = [];
    for await (const p of client.listPropertiesOfSecretVersions(c.name!)) v.push(p.version!);
    return v.sort();
  },
  update: async (c) => (await client.updateSecretProperties(c.name!, c.version!, { tags: c.tags ?? {} })).tags,
  delete: async (c) =>
    (await (await client.beginDeleteSecret(c.name!, { intervalInMs: 50 })).pollUntilDone()).recoveryId,
  getDeleted: async (c) => (await client.getDeletedSecret(c.name!)).name,
  recover: async (c) =>
    (await (await client.beginRecoverDeletedSecret(c.name!, { intervalInMs: 50 })).pollUntilDone()).name,
  purge: async (c) => (await client.purgeDeletedSecret(c.name!), 'purged'),
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
