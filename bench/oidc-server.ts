/**
 * The client_credentials baseline: oidc-provider (docs/adr/0010-oidc-provider-baseline.md), a
 * mature OAuth server, issuing RS256 JWT access tokens for one resource from its in-memory
 * adapter over plain HTTP. The runner pins it to one core.
 *
 *   node dist/bench/oidc-server.js <rsa-key.pem>
 *
 * Prints one JSON line `{"port":…}` once it listens; exits on SIGTERM.
 */
import './hold-tick.js';
import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';
import { OIDC_CLIENT_ID, OIDC_CLIENT_SECRET } from './oidc-client.js';

function provider(issuer: string, keyPem: string): Provider {
  const jwk = { ...createPrivateKey(keyPem).export({ format: 'jwk' }), kid: 'bench-rs256', alg: 'RS256', use: 'sig' };
  return new Provider(issuer, {
    clients: [
      {
        client_id: OIDC_CLIENT_ID,
        client_secret: OIDC_CLIENT_SECRET,
        grant_types: ['client_credentials'],
        redirect_uris: [],
        response_types: [],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    jwks: { keys: [jwk] },
    cookies: { keys: ['bench-cookie-key-0123456789abcdef'] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => true,
        // Entra-like: a one-hour RS256 JWT for whichever resource was named.
        getResourceServerInfo: (_ctx: unknown, resource: string) => ({
          audience: resource,
          scope: '',
          accessTokenTTL: 3600,
          accessTokenFormat: 'jwt',
          jwt: { sign: { alg: 'RS256' } },
        }),
      },
    },
  });
}

async function main(): Promise<void> {
  const keyPem = readFileSync(process.argv[2]!, 'utf8');
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  server.on('request', provider(`http://127.0.0.1:${port}`, keyPem).callback());
  server.keepAliveTimeout = 5_000;
  const stop = () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ port, pid: process.pid })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
