import { Command } from 'commander';
import { createArmClient } from '../../client/arm-client.js';
import { CliError } from '../cli-error.js';
import { startGate } from '../../gate/gate-runtime.js';

interface GateOptions {
  upstream: string;
  resource: string;
  listen: string;
  config?: string;
  audience?: string;
  dataDir?: string;
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
    .option(
      '--config <file>',
      'JSON rules: {"rules":[{"method":"GET","path":"/orders/*","dataAction":"Contoso.Orders/orders/read"}], "pathCase":"strict", "options":"authorize"} (docs/data-planes.md)',
    )
    .option('--audience <aud>', 'token audience the gate accepts (default api://{resource name})')
    .option('--data-dir <dir>', 'data directory of the openmi installation (admin credentials, CA)')
    .action(async (o: GateOptions) => {
      const { host, port } = listenAddress(o.listen);
      const client = createArmClient({ dataDir: o.dataDir });
      const onRefreshError = (e: unknown) =>
        process.stderr.write(`openmi gate: revocation refresh failed: ${(e as Error).message}\n`);
      const { server, audience } = await startGate({
        client,
        upstream: o.upstream,
        resourceId: o.resource,
        audience: o.audience,
        configPath: o.config,
        host,
        port,
        onRefreshError,
      });
      const addr = server.address();
      process.stdout.write(
        `openmi gate listening on ${typeof addr === 'object' && addr ? `${addr.address}:${addr.port}` : o.listen}, audience ${audience}\n`,
      );
    });
}
