import { readFileSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { Command } from 'commander';
import { createLogger } from '../../kernel/log.js';
import { startAgent, type RunningAgent } from '../../agent/agent-runtime.js';
import { CliError } from '../cli-error.js';
import { startResourceAgent } from '../resource-agent.js';
import { workloadVariables } from '../workload-env.js';
import { withResourceRef, type ResourceRef } from './join-token.js';

interface AgentOptions extends ResourceRef {
  joinToken?: string;
  server: string[];
  ca?: string;
  listen: string;
  imdsAddress?: string;
  stateDir: string;
  dataDir?: string;
  readyFile?: string;
  allowHost: string[];
  maxConnectionsPerClient?: number;
}

function parseListen(v: string): { host: string; port: number } {
  const i = v.lastIndexOf(':');
  const port = Number(v.slice(i + 1));
  if (i <= 0 || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(`--listen must be ADDR:PORT, e.g. 127.0.0.1:50342 (got '${v}')`, 2);
  return { host: v.slice(0, i).replace(/^\[|\]$/g, ''), port };
}

// name:port or [ipv6]:port; the agent compares Host headers with it exactly (case-insensitive).
const HOST_VALUE = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

function collectHost(v: string, all: string[]): string[] {
  if (!HOST_VALUE.test(v))
    throw new CliError(
      `--allow-host must be NAME:PORT as workloads send it in the Host header, e.g. openmi-agent:50342 (got '${v}')`,
      2,
    );
  return [...all, v];
}

function readCa(path: string | undefined): string {
  if (!path)
    throw new CliError(
      "--ca FILE is required with --server: the openmi CA certificate (ca.pem in the server's data dir).",
      2,
    );
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read the CA certificate ${path}: ${(e as Error).message}`, 2);
  }
}

function positiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1)
    throw new CliError(`--max-connections-per-client must be a positive integer (got '${v}')`, 2);
  return n;
}

/**
 * `--imds-address ADDR[:PORT]`: the metadata endpoints on ADDR, port 80 unless given. On a real
 * host ADDR is 169.254.169.254, added to an interface by the operator, where Azure's SDKs, the CLI
 * and curl tutorials look with no variable set (docs/deploy.md#imds-at-the-real-address).
 */
function listenAddress(o: AgentOptions, listenGiven: boolean): { host: string; port: number } {
  if (o.imdsAddress === undefined) return parseListen(o.listen);
  if (listenGiven) throw new CliError('give either --listen or --imds-address, not both', 2);
  const v = o.imdsAddress;
  const bare = v.replace(/^\[|\]$/g, '');
  if (isIP(bare) !== 0) return { host: bare, port: 80 };
  const i = v.lastIndexOf(':');
  const host = v.slice(0, i).replace(/^\[|\]$/g, '');
  const port = Number(v.slice(i + 1));
  if (i <= 0 || isIP(host) === 0 || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new CliError(
      `--imds-address must be an IP address with an optional port, e.g. 169.254.169.254 (got '${v}')`,
      2,
    );
  return { host, port };
}

async function start(o: AgentOptions, listenGiven: boolean): Promise<{ agent: RunningAgent; caPath: string }> {
  const { host, port } = listenAddress(o, listenGiven);
  const log = createLogger('info');
  if (o.resource || o.name) {
    const r = await startResourceAgent({ ...o, listenHost: host, listenPort: port, log, allowedHosts: o.allowHost });
    return { agent: r.agent, caPath: r.caCertPath };
  }
  if (o.server.length === 0)
    throw new CliError(
      'say which server: --server URL with --join-token T (or --resource ID with --data-dir for a local one).',
      2,
    );
  const agent = await startAgent({
    serverUrl: o.server,
    ca: readCa(o.ca),
    ...(o.joinToken ? { joinToken: o.joinToken } : {}),
    stateDir: o.stateDir,
    listenHost: host,
    listenPort: port,
    log,
    hostname: hostname(),
    allowedHosts: o.allowHost,
    ...(o.maxConnectionsPerClient !== undefined ? { maxConnectionsPerClient: o.maxConnectionsPerClient } : {}),
  });
  return { agent, caPath: o.ca! };
}

export function agentCommand(): Command {
  const cmd = new Command('agent');
  return withResourceRef(cmd)
    .description(
      "Serve a resource's managed-identity tokens to the workloads on this host (IMDS and App Service endpoints).",
    )
    .option(
      '--join-token <token>',
      'one-time token from `openmi resource join-token create` (not needed after the first start)',
    )
    .option(
      '--server <url>',
      'the openmi server, e.g. https://openmi.example:8443; repeat it (or separate by commas) to name several nodes to fail over between',
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option('--ca <file>', "the openmi CA certificate (ca.pem from the server's data dir)")
    .option('--listen <addr:port>', 'where workloads reach the metadata endpoints', '127.0.0.1:50342')
    .option(
      '--imds-address <addr>',
      "serve the metadata endpoints at ADDR[:PORT] (port 80 by default), e.g. 169.254.169.254, IMDS's own address, once it is on an interface",
    )
    .option(
      '--allow-host <name:port>',
      'a further Host header value workloads reach the agent by, e.g. a container service name (repeatable)',
      collectHost,
      [],
    )
    .option('--state-dir <dir>', 'where the agent keeps its key and enrollment', './.openmi-agent')
    .option(
      '--data-dir <dir>',
      'with --resource: a local installation whose admin credentials enroll an ephemeral agent',
    )
    .option('--ready-file <file>', 'write the endpoints as JSON to this file once listening')
    .option(
      '--max-connections-per-client <n>',
      'open connections one workload address may hold; requests past it get 429 (default 128)',
      positiveInt,
    )
    .action(async (o: AgentOptions) => {
      const { agent, caPath } = await start(o, cmd.getOptionValueSource('listen') !== 'default');
      const vars = workloadVariables(
        {
          imds: agent.endpoints.imds,
          identityEndpoint: agent.endpoints.identityEndpoint,
          identityHeader: agent.identityHeader,
        },
        caPath,
        'all',
      );
      if (o.readyFile)
        writeFileSync(
          o.readyFile,
          JSON.stringify({ pid: process.pid, resourceId: agent.resourceId, agentId: agent.agentId, env: vars }),
          { mode: 0o600 },
        );
      process.stdout.write(
        `openmi agent ${agent.agentId} serves ${agent.resourceId} on ${agent.endpoints.imds}\nworkloads need:\n${Object.entries(
          vars,
        )
          .map(([k, v]) => `  export ${k}=${v}`)
          .join('\n')}\n`,
      );
      const ephemeral = !!(o.resource || o.name);
      const stop = () => void agent.close({ leave: ephemeral }).finally(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
