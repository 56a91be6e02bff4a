/**
 * Under `openmi run`: the VM identity's token for the registry audience from IMDS (unmodified
 * ManagedIdentityCredential), exchanged at the registry's /oauth2/exchange as `az acr login` does.
 * argv: JSON {exchangeUrl, service}. Prints {status, body} as JSON.
 */
import { ManagedIdentityCredential } from '@azure/identity';

const a = JSON.parse(process.argv[2]!) as { exchangeUrl: string; service: string };
const t = await new ManagedIdentityCredential().getToken('https://containerregistry.azure.net/.default');
const r = await fetch(a.exchangeUrl, {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'access_token', service: a.service, access_token: t.token }).toString(),
});
process.stdout.write(JSON.stringify({ status: r.status, body: await r.json() }));
