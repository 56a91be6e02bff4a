import { Command, Option } from 'commander';
import { loadConfig } from '../../config/load.js';
import { startServer } from '../../server/app.js';
import { CliError } from '../cli-error.js';

function storeFlag(v: string): string {
  return v;
}

export function serveCommand(): Command {
  return new Command('serve')
    .description('Run the openmi server: Resource Manager, token service and data planes on one HTTPS port.')
    .option('--data-dir <dir>', 'data directory (default ./.openmi)')
    .option('--port <n>', 'HTTPS port (default 8443)', (v) => Number(v))
    .option('--host <h>', 'address to listen on (default 127.0.0.1)')
    .addOption(new Option('--store <store>', 'sqlite (default) or a postgres:// URL').argParser(storeFlag))
    .option('--public-url <url>', 'base URL clients use (default https://{host}:{port})')
    .option(
      '--master-key-file <path>',
      'file holding the master key (base64 of 32 bytes, mode 600) instead of OPENMI_MASTER_KEY or {data-dir}/master.key',
    )
    .action(
      async (o: {
        dataDir?: string;
        port?: number;
        host?: string;
        store?: string;
        publicUrl?: string;
        masterKeyFile?: string;
      }) => {
        let cfg;
        try {
          cfg = loadConfig({
            dataDir: o.dataDir,
            port: o.port,
            host: o.host,
            store: o.store,
            publicUrl: o.publicUrl,
            masterKeyFile: o.masterKeyFile,
          });
        } catch (e) {
          throw new CliError((e as Error).message, 2);
        }
        const server = await startServer(cfg).catch((e: Error) => {
          throw new CliError(e.message);
        });
        const lines = [
          `openmi is listening on ${server.baseUrl}`,
          `  Resource Manager: ${server.baseUrl}`,
          `  token service:    ${server.baseUrl}/${server.installation.tenantId}/oauth2/v2.0/token`,
          `  OpenID discovery: ${server.baseUrl}/${server.installation.tenantId}/v2.0/.well-known/openid-configuration`,
          `  web portal:       ${server.baseUrl}/portal/ (sign in with a link from: npx openmi portal --data-dir ${cfg.dataDir})`,
          `  health:           ${server.baseUrl}/healthz  metrics: ${server.baseUrl}/metrics`,
          `  store:            ${server.store.kind}   data dir: ${cfg.dataDir}`,
          `  CA certificate:   ${server.caCertPath}`,
          `  admin credentials: ${server.credentialsPath} (print them with: npx openmi env --admin --data-dir ${cfg.dataDir})`,
        ];
        let stopping = false;
        const stop = (signal: string) => {
          if (stopping) return;
          stopping = true;
          process.stdout.write(`openmi: ${signal} received, shutting down\n`);
          server.close().then(
            () => process.exit(0),
            () => process.exit(1),
          );
        };
        process.on('SIGINT', () => stop('SIGINT'));
        process.on('SIGTERM', () => stop('SIGTERM'));
        // The banner is the signal that the server is ready, so the handlers are in place before it.
        process.stdout.write(`${lines.join('\n')}\n`);
      },
    );
}
