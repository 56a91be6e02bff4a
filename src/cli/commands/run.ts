import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command, Option } from 'commander';
import { inheritedEnvironment } from '../../config/load.js';
import { createLogger } from '../../kernel/log.js';
import { runChild } from '../run-child.js';
import { startResourceAgent } from '../resource-agent.js';
import { createArmClient } from '../../client/arm-client.js';
import { workloadEnvironment, type AgentEndpoints, type AzureRedirect, type MetadataMode } from '../workload-env.js';
import { writeTransparentFiles } from '../dns/python-site.js';
import { withResourceRef, type ResourceRef } from './join-token.js';
import { namespaceOptions, runTransparent } from '../ns/host-side.js';

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
    .option('--transparent', 'Linux: run in network and mount namespaces that look like an Azure VM to any language')
    .action(async (cmd: string, args: string[], o: RunOptions) => {
      process.exitCode = o.transparent ? await transparentRun(cmd, args, o) : await defaultRun(cmd, args, o);
    });
}

type RunOptions = ResourceRef & { dataDir?: string; metadata: MetadataMode; transparent?: boolean };

/** Node and Python children, pointed at the agent and redirected by hooks (docs/clients.md#transparent-mode). */
async function defaultRun(cmd: string, args: string[], o: RunOptions): Promise<number> {
  const log = createLogger('warn');
  const { agent, caCertPath } = await startResourceAgent({ ...o, listenHost: '127.0.0.1', listenPort: 0, log });
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
    return await runChild(cmd, args, env);
  } finally {
    await agent.close({ leave: true }).catch(() => undefined);
  }
}

/**
 * Any language: the child runs in namespaces where 169.254.169.254 is the agent and Azure's names
 * reach the server (../ns/). The agent logs to stderr here, so the child's stdout stays its own.
 */
async function transparentRun(cmd: string, args: string[], o: RunOptions): Promise<number> {
  const unshare = namespaceOptions(process.getuid?.() === 0);
  const log = createLogger('warn', process.stderr);
  const { agent, caCertPath } = await startResourceAgent({ ...o, listenHost: '127.0.0.1', listenPort: 0, log });
  try {
    const client = createArmClient({ dataDir: o.dataDir });
    const server = new URL(client.baseUrl);
    const imds = new URL(agent.endpoints.imds);
    return await runTransparent(
      {
        dataDir: client.dataDir,
        caPem: readFileSync(caCertPath, 'utf8'),
        cmd,
        args,
        inherited: inheritedEnvironment(),
        imds: { host: imds.hostname, port: Number(imds.port) },
        server: { host: server.hostname.replace(/^\[|\]$/g, ''), port: Number(server.port || '443') },
        log,
      },
      unshare,
    );
  } finally {
    await agent.close({ leave: true }).catch(() => undefined);
  }
}
