import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { loadConfig, publicBaseUrl } from '../../config/load.js';
import { credentialsPathOf, endpointPathOf } from '../../server/app.js';
import type { AdminCredentialsFile } from '../../server/directory/bootstrap.js';
import { CliError } from '../cli-error.js';
import { resourceEnvironment } from './env-resource.js';

export interface AdminEnv {
  tenantId: string;
  subscriptionId: string;
  clientId: string;
  clientSecret: string;
  authorityHost: string;
  armEndpoint: string;
  caCertPath: string;
}

function readCredentials(dataDir: string): AdminCredentialsFile {
  const path = credentialsPathOf(dataDir);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as AdminCredentialsFile;
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'it does not exist' : (e as Error).message;
    throw new CliError(
      `cannot read the admin credentials at ${path}: ${why}. Start the server once with 'openmi serve --data-dir ${dataDir}' to create them.`,
    );
  }
}

function readEndpoint(dataDir: string): string | undefined {
  try {
    return (JSON.parse(readFileSync(endpointPathOf(dataDir), 'utf8')) as { baseUrl: string }).baseUrl;
  } catch {
    return undefined;
  }
}

const quote = (v: string) => `'${v.replace(/'/g, `'\\''`)}'`;

export function renderAdminEnv(env: AdminEnv, format: 'sh' | 'json'): string {
  if (format === 'json') return `${JSON.stringify(env, null, 2)}\n`;
  const vars: [string, string][] = [
    ['AZURE_TENANT_ID', env.tenantId],
    ['AZURE_CLIENT_ID', env.clientId],
    ['AZURE_CLIENT_SECRET', env.clientSecret],
    ['AZURE_AUTHORITY_HOST', env.authorityHost],
    ['AZURE_SUBSCRIPTION_ID', env.subscriptionId],
    ['OPENMI_ARM_ENDPOINT', env.armEndpoint],
    ['NODE_EXTRA_CA_CERTS', env.caCertPath],
    ['REQUESTS_CA_BUNDLE', env.caCertPath],
    ['SSL_CERT_FILE', env.caCertPath],
  ];
  return vars.map(([k, v]) => `export ${k}=${quote(v)}`).join('\n') + '\n';
}

export function envCommand(): Command {
  return new Command('env')
    .description('Print the environment a client needs to reach this openmi installation.')
    .option('--admin', 'the bootstrap admin credentials (client credentials for Resource Manager)')
    .option(
      '--resource <id>',
      "a resource's managed identities: starts a background agent for it and prints the variables that point SDKs at it",
    )
    .option('--data-dir <dir>', 'data directory (default ./.openmi)')
    .option('--port <n>', 'port the server listens on, if not the default', (v) => Number(v))
    .option('--public-url <url>', 'base URL clients use, if the server was started with one')
    .addOption(new Option('--format <format>', 'output format').choices(['sh', 'json']).default('sh'))
    .action(
      async (o: {
        admin?: boolean;
        resource?: string;
        dataDir?: string;
        port?: number;
        publicUrl?: string;
        format: 'sh' | 'json';
      }) => {
        if (o.resource) return printResourceEnv(o.resource, o.dataDir, o.format);
        if (!o.admin) throw new CliError('say which environment to print: --admin or --resource ID.', 2);
        const cfg = loadConfig({ dataDir: o.dataDir, port: o.port, publicUrl: o.publicUrl });
        const creds = readCredentials(cfg.dataDir);
        const base = o.port || o.publicUrl ? publicBaseUrl(cfg) : (readEndpoint(cfg.dataDir) ?? publicBaseUrl(cfg));
        const env: AdminEnv = {
          tenantId: creds.tenantId,
          subscriptionId: creds.subscriptionId,
          clientId: creds.clientId,
          clientSecret: creds.clientSecret,
          authorityHost: base,
          armEndpoint: base,
          caCertPath: join(cfg.dataDir, 'ca.pem'),
        };
        process.stdout.write(renderAdminEnv(env, o.format));
      },
    );
}

async function printResourceEnv(resource: string, dataDir: string | undefined, format: 'sh' | 'json'): Promise<void> {
  const ready = await resourceEnvironment({ resource, ...(dataDir ? { dataDir } : {}) });
  if (format === 'json') {
    process.stdout.write(`${JSON.stringify({ ...ready.env, OPENMI_AGENT_PID: String(ready.pid) }, null, 2)}\n`);
    return;
  }
  const lines = Object.entries(ready.env).map(([k, v]) => `export ${k}=${quote(v)}`);
  lines.push(
    `# an agent for ${ready.resourceId} runs in the background as pid ${ready.pid}; stop it with: kill ${ready.pid}`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}
