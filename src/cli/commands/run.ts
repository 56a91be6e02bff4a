import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { Command, Option } from 'commander';
import { inheritedEnvironment } from '../../config/load.js';
import { createLogger } from '../../kernel/log.js';
import { CliError } from '../cli-error.js';
import { startResourceAgent } from '../resource-agent.js';
import { createArmClient } from '../../client/arm-client.js';
import { workloadEnvironment, type AgentEndpoints, type AzureRedirect, type MetadataMode } from '../workload-env.js';
import { writeTransparentFiles } from '../dns/python-site.js';
import { withResourceRef, type ResourceRef } from './join-token.js';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Runs the child and resolves with the exit code a shell would report (128 + signal number when killed). */
function runChild(cmd: string, args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env });
    const forward = (s: NodeJS.Signals) => child.kill(s);
    for (const s of FORWARDED) process.on(s, forward);
    const done = () => {
      for (const s of FORWARDED) process.off(s, forward);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      done();
      reject(
        new CliError(e.code === 'ENOENT' ? `command not found: ${cmd}` : `cannot start ${cmd}: ${e.message}`, 127),
      );
    });
    child.on('exit', (code, signal) => {
      done();
      resolve(code ?? 128 + (signal ? ((constants.signals as Record<string, number>)[signal] ?? 0) : 0));
    });
  });
}

/**
 * The data-plane zone the server advertises (`suffixes.keyVaultDns` = `vault.{zone}`), so Node
 * children can resolve vault host names. Best effort: without it the workload still runs.
 */
async function dataPlaneOf(dataDir: string | undefined): Promise<AgentEndpoints['dataPlane']> {
  try {
    const client = createArmClient({ dataDir });
    const clouds = await client.request<{ suffixes?: { keyVaultDns?: string } }[]>(
      'GET',
      '/metadata/endpoints?api-version=2022-09-01',
    );
    const kv = clouds[0]?.suffixes?.keyVaultDns;
    if (!kv?.startsWith('vault.')) return undefined;
    return { zone: kv.slice('vault.'.length), serverHost: new URL(client.baseUrl).hostname.replace(/^\[|\]$/g, '') };
  } catch {
    return undefined;
  }
}

/**
 * Azure's own host names, sent to this installation's server by the Node preload and the Python
 * `sitecustomize` (docs/clients.md#transparent-mode).
 */
function azureRedirect(dataDir: string | undefined, caCertPath: string): AzureRedirect {
  const server = new URL(createArmClient({ dataDir }).baseUrl);
  const port = server.port || '443';
  const files = writeTransparentFiles(dirname(caCertPath), readFileSync(caCertPath, 'utf8'));
  return { target: `${server.hostname}:${port}`, ...files };
}

export function runCommand(): Command {
  return withResourceRef(new Command('run'))
    .description(
      "Run a command as a resource: its Azure SDKs and the Azure CLI get that resource's managed-identity tokens.",
    )
    .usage('--resource ID [options] -- CMD [ARGS...]')
    .option('--data-dir <dir>', 'data directory of the openmi installation (default ./.openmi)')
    .addOption(
      new Option('--metadata <endpoints>', 'which metadata endpoints the command is pointed at')
        .choices(['all', 'imds', 'app-service'])
        .default('all'),
    )
    .argument('<cmd>', 'command to run')
    .argument('[args...]', 'its arguments')
    .passThroughOptions()
    .action(async (cmd: string, args: string[], o: ResourceRef & { dataDir?: string; metadata: MetadataMode }) => {
      const log = createLogger('warn');
      const { agent, caCertPath } = await startResourceAgent({ ...o, listenHost: '127.0.0.1', listenPort: 0, log });
      let code: number;
      try {
        const dataPlane = await dataPlaneOf(o.dataDir);
        const endpoints = {
          imds: agent.endpoints.imds,
          identityEndpoint: agent.endpoints.identityEndpoint,
          identityHeader: agent.identityHeader,
          ...(dataPlane ? { dataPlane } : {}),
          azure: azureRedirect(o.dataDir, caCertPath),
        };
        const env = workloadEnvironment(endpoints, caCertPath, o.metadata, inheritedEnvironment());
        code = await runChild(cmd, args, env);
      } finally {
        await agent.close({ leave: true }).catch(() => undefined);
      }
      process.exitCode = code;
    });
}
