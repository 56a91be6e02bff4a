import { Command } from 'commander';
import { withApiVersion } from '../arm-paths.js';
import type { ArmClient } from '../../client/arm-client.js';
import { clientFor, positiveInt, withClientOptions, type ClientOptions } from '../command-kit.js';
import { CliError } from '../cli-error.js';
import { print } from '../output.js';
import { resourcePath, resourceType } from '../resource-types.js';
import type { JoinTokenRequest, JoinTokenWire } from '../../wire/agents.js';

export const OPENMI_API = '2025-01-01';

export interface ResourceRef {
  resource?: string;
  type?: string;
  resourceGroup?: string;
  name?: string;
}

/** Adds `--resource ID`, or `--type`, `-g` and `-n`, to address one compute resource. */
export function withResourceRef(cmd: Command): Command {
  return cmd
    .option('--resource <id>', 'the resource id, e.g. /subscriptions/…/providers/Microsoft.Compute/virtualMachines/vm1')
    .option('--type <type>', 'resource type (with -g and -n instead of --resource)')
    .option('-g, --resource-group <name>', 'resource group')
    .option('-n, --name <name>', 'resource name');
}

export function resourceIdOf(o: ResourceRef, subscriptionId: string): string {
  if (o.resource) return o.resource;
  if (o.type && o.resourceGroup && o.name)
    return resourcePath(subscriptionId, o.resourceGroup, resourceType(o.type).type, o.name);
  throw new CliError('say which resource: --resource ID, or --type, --resource-group and --name.', 2);
}

export function createJoinToken(client: ArmClient, resourceId: string, body: JoinTokenRequest): Promise<JoinTokenWire> {
  return client.request<JoinTokenWire>(
    'POST',
    withApiVersion(`${resourceId}/providers/OpenMI.Agents/joinTokens`, OPENMI_API),
    body,
  );
}

function createCommand(): Command {
  return withResourceRef(
    withClientOptions(
      new Command('create').description(
        'Create a one-time token that enrolls one agent (openmi agent --join-token) for a resource.',
      ),
    ),
  )
    .option('--expires-in <seconds>', 'how long the token can be used (default 3600)', positiveInt)
    .action(async (o: ClientOptions & ResourceRef & { expiresIn?: number }) => {
      const client = clientFor(o);
      const r = await createJoinToken(client, resourceIdOf(o, client.subscriptionId), {
        ephemeral: false,
        ...(o.expiresIn ? { expiresInSeconds: o.expiresIn } : {}),
      });
      if (o.output === 'json') return print('json', r, [], []);
      process.stdout.write(`${r.token}\n`);
      process.stderr.write(
        `join token for ${r.resourceId}, usable once until ${r.expiresOn}:\n  openmi agent --server ${client.baseUrl} --ca ${client.dataDir}/ca.pem --join-token <token>\n`,
      );
    });
}

export function joinTokenCommand(): Command {
  return new Command('join-token')
    .description("Enroll agents that serve managed-identity tokens on a resource's hosts.")
    .addCommand(createCommand());
}
