import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { createArmClient } from '../arm-client.js';
import { CliError } from '../cli-error.js';
import { DataPlaneAuthenticator } from '../../server/surfaces/data-plane-auth/data-plane-auth.js';
import { JwksVerifier } from '../../gate/jwks-verifier.js';
import { RemoteAuthorizer } from '../../gate/remote-authorizer.js';
import { RemoteRevocationList } from '../../gate/revocation-list.js';
import { createGate } from '../../gate/proxy.js';
import { DEFAULT_POLICY, parseGateConfig, type GatePolicy } from '../../gate/rules.js';

interface GateOptions {
  upstream: string;
  resource: string;
  listen: string;
  config?: string;
  audience?: string;
  dataDir?: string;
}

function loadPolicy(path: string | undefined): GatePolicy {
  if (!path) return DEFAULT_POLICY;
  try {
    return parseGateConfig(JSON.parse(readFileSync(path, 'utf8')));
  } catch (e) {
    throw new CliError(`cannot use gate config ${path}: ${(e as Error).message}`);
  }
}

function listenAddress(listen: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(listen);
  if (!m) throw new CliError(`--listen must be ADDR:PORT, got '${listen}'`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

export function gateCommand(): Command {
  return new Command('gate')
    .description('Reverse proxy that admits callers with an openmi token and an RBAC data action on --resource.')
    .requiredOption('--upstream <url>', 'the service to protect, e.g. http://127.0.0.1:8080')
    .requiredOption('--resource <id>', 'ARM id of the protected resource (the RBAC scope)')
    .option('--listen <addr:port>', 'where the gate listens', '127.0.0.1:8081')
    .option('--config <file>', 'JSON rules: {"rules":[{"method":"GET","path":"/orders/*","dataAction":"Contoso.Orders/orders/read"}], "pathCase":"strict", "options":"authorize"} (docs/data-planes.md)')
    .option('--audience <aud>', 'token audience the gate accepts (default api://{resource name})')
    .option('--data-dir <dir>', 'data directory of the openmi installation (admin credentials, CA)')
    .action(async (o: GateOptions) => {
      const client = createArmClient({ dataDir: o.dataDir });
      const { tenantId } = JSON.parse(readFileSync(join(client.dataDir, 'endpoint.json'), 'utf8')) as { tenantId: string };
      const ca = readFileSync(join(client.dataDir, 'ca.pem'), 'utf8');
      const resource = o.audience ?? `api://${o.resource.split('/').filter(Boolean).pop()}`;
      const revocations = new RemoteRevocationList(client, (e) => process.stderr.write(`openmi gate: revocation refresh failed: ${(e as Error).message}\n`));
      await revocations.start();
      const auth = new DataPlaneAuthenticator({ verifier: new JwksVerifier(client.baseUrl, tenantId, ca), revocations, authorizer: new RemoteAuthorizer(client), resource });
      const server = createGate({ auth, policy: loadPolicy(o.config), resourceId: o.resource, upstream: o.upstream });
      const { host, port } = listenAddress(o.listen);
      await new Promise<void>((r) => server.listen(port, host, r));
      const addr = server.address();
      process.stdout.write(`openmi gate listening on ${typeof addr === 'object' && addr ? `${addr.address}:${addr.port}` : o.listen}, audience ${resource}\n`);
    });
}
