/**
 * Unmodified @azure/identity workload-identity credentials against openmi; run in a child process.
 * Everything comes from the environment the SDK documents (AZURE_FEDERATED_TOKEN_FILE,
 * AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_AUTHORITY_HOST); argv[2] picks the credential.
 */
import { ManagedIdentityCredential, WorkloadIdentityCredential, type TokenCredential } from '@azure/identity';

const { mode, scope, calls } = JSON.parse(process.argv[2]!) as {
  mode: 'workload' | 'managed';
  scope: string;
  calls: number;
};

// Instance discovery would call login.microsoftonline.com whatever the authority host says (docs/wire/managed-identity.md).
const credential: TokenCredential =
  mode === 'workload'
    ? new WorkloadIdentityCredential({ disableInstanceDiscovery: true })
    : new ManagedIdentityCredential(process.env['AZURE_CLIENT_ID']!);

const tokens: { token: string; expiresOnTimestamp: number; refreshAfterTimestamp?: number }[] = [];
try {
  for (let i = 0; i < calls; i++) {
    const t = await credential.getToken(scope);
    if (!t) throw new Error('getToken returned null');
    tokens.push({
      token: t.token,
      expiresOnTimestamp: t.expiresOnTimestamp,
      ...(t.refreshAfterTimestamp ? { refreshAfterTimestamp: t.refreshAfterTimestamp } : {}),
    });
  }
  process.stdout.write(JSON.stringify({ tokens }));
} catch (e) {
  process.stdout.write(JSON.stringify({ tokens, error: { name: (e as Error).name, message: (e as Error).message } }));
}
