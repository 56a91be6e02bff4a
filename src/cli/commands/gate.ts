import { Command } from 'commander';
import { createArmClient } from '../../client/arm-client.js';
import { CliError } from '../cli-error.js';
import { startGate } from '../../gate/gate-runtime.js';
import { gatePostgresCommand, listenAddress } from './gate-postgres.js';

interface GateOptions {
  upstream?: string;
  resource?: string;
  listen?: string;
  config?: string;
  audience?: string;
  dataDir?: string;
}

/** --upstream and --resource are checked in the action: as required options, commander would demand them of `gate postgres` too. */
export function gateCommand(): Command {
  return new Command('gate')
    .description('Reverse proxy that admits callers with an openmi token and an RBAC data action on --resource.')
    .option('--upstream <url>', 'the service to protect, e.g. http://127.0.0.1:8080 (required)')
    .option('--resource <id>', 'ARM id of the protected resource (the RBAC scope; required)')
    .option('--listen <addr:port>', 'where the gate listens (default: "127.0.0.1:8081")')
    .option(
      '--config <file>',
      'JSON rules: {"rules":[{"method":"GET","path":"/orders/*","dataAction":"Contoso.Orders/orders/read"}], "pathCase":"strict", "options":"authorize"} (docs/data-planes.md)',
    )
    .option('--audience <aud>', 'token audience the gate accepts (default api://{resource name})')
    .option('--data-dir <dir>', 'data directory of the openmi installation (admin credentials, CA)')
    .action(async (o: GateOptions) => {
      if (!o.upstream || !o.resource) throw new CliError('openmi gate needs --upstream and --resource');
      const { host, port } = listenAddress(o.listen ?? '127.0.0.1:8081');
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
    })
    .addCommand(gatePostgresCommand());
}
