/**
 * Unmodified @azure/identity managed-identity credentials, run under `openmi run`: the only
 * configuration is the environment openmi run sets. Prints the tokens it got as JSON.
 */
import { DefaultAzureCredential, ManagedIdentityCredential, type AccessToken } from '@azure/identity';

const ids = JSON.parse(process.argv[2]!) as { clientId: string; objectId: string; resourceId: string; scope: string };
const out: Record<string, { token: string; expiresOnTimestamp: number } | { error: string }> = {};

async function attempt(name: string, get: () => Promise<AccessToken>): Promise<void> {
  try {
    const t = await get();
    out[name] = { token: t.token, expiresOnTimestamp: t.expiresOnTimestamp };
  } catch (e) {
    out[name] = { error: (e as Error).message };
  }
}

await attempt('system', () => new ManagedIdentityCredential().getToken(ids.scope));
await attempt('systemAgain', () => new ManagedIdentityCredential().getToken(ids.scope));
await attempt('clientId', () => new ManagedIdentityCredential({ clientId: ids.clientId }).getToken(ids.scope));
await attempt('objectId', () => new ManagedIdentityCredential({ objectId: ids.objectId }).getToken(ids.scope));
await attempt('resourceId', () => new ManagedIdentityCredential({ resourceId: ids.resourceId }).getToken(ids.scope));
await attempt('dacClientId', () =>
  new DefaultAzureCredential({ managedIdentityClientId: ids.clientId }).getToken(ids.scope),
);
await attempt('unknownClientId', () =>
  new ManagedIdentityCredential({ clientId: '00000000-0000-4000-8000-000000000000' }).getToken(
    'https://vault.azure.net/.default',
  ),
);
process.stdout.write(
  JSON.stringify({
    out,
    env: {
      IDENTITY_ENDPOINT: process.env['IDENTITY_ENDPOINT'] ?? null,
      AZURE_POD_IDENTITY_AUTHORITY_HOST: process.env['AZURE_POD_IDENTITY_AUTHORITY_HOST'] ?? null,
    },
  }),
);
