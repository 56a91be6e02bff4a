import { Command } from 'commander';
import { listAll } from '../../client/arm-client.js';
import { IDENTITY_API_VERSION, federatedCredentialPath, withApiVersion } from '../arm-paths.js';
import { clientFor, withClientOptions, type ClientOptions } from '../command-kit.js';
import { CliError } from '../cli-error.js';
import { print, type Column } from '../output.js';
import type { FederatedCredentialWire } from '../../wire/identities.js';

interface Parent extends ClientOptions {
  identityName: string;
  resourceGroup: string;
}

interface Named extends Parent {
  name: string;
}

const DEFAULT_AUDIENCE = 'api://AzureADTokenExchange';

const COLUMNS: Column<FederatedCredentialWire>[] = [
  { header: 'name', get: (r) => r.name },
  { header: 'issuer', get: (r) => r.properties?.issuer },
  { header: 'subject', get: (r) => r.properties?.subject },
  { header: 'audiences', get: (r) => r.properties?.audiences?.join(',') },
];

function leaf(verb: string, description: string, withName: boolean): Command {
  const cmd = new Command(verb)
    .description(description)
    .requiredOption('--identity-name <name>', 'the user-assigned identity the credential belongs to')
    .requiredOption('-g, --resource-group <name>', 'resource group of the identity');
  if (withName) cmd.requiredOption('-n, --name <name>', 'federated credential name');
  return withClientOptions(cmd);
}

const pathOf = (o: Parent, sub: string, name?: string) =>
  withApiVersion(federatedCredentialPath(sub, o.resourceGroup, o.identityName, name), IDENTITY_API_VERSION);
const printOne = (o: ClientOptions, r: FederatedCredentialWire) => print(o.output, r, [r], COLUMNS);

/** `a,b` or repeated flags; empty entries are dropped so a trailing comma is harmless. */
function audiences(values: string[] | undefined): string[] {
  const list = (values ?? [DEFAULT_AUDIENCE])
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);
  if (list.length === 0) throw new CliError('--audiences needs at least one audience', 2);
  return list;
}

function createCommand(): Command {
  return leaf('create', 'Create (or replace) a federated identity credential.', true)
    .requiredOption('--issuer <url>', 'issuer URL of the external tokens to trust')
    .requiredOption('--subject <subject>', 'subject (sub claim) of the external tokens to trust')
    .option('--audiences <list...>', `audiences, comma-separated (default ${DEFAULT_AUDIENCE})`)
    .action(async (o: Named & { issuer: string; subject: string; audiences?: string[] }) => {
      const client = clientFor(o);
      const body = { properties: { issuer: o.issuer, subject: o.subject, audiences: audiences(o.audiences) } };
      printOne(o, await client.request<FederatedCredentialWire>('PUT', pathOf(o, client.subscriptionId, o.name), body));
    });
}

function showCommand(): Command {
  return leaf('show', 'Show a federated identity credential.', true).action(async (o: Named) => {
    const client = clientFor(o);
    printOne(o, await client.request<FederatedCredentialWire>('GET', pathOf(o, client.subscriptionId, o.name)));
  });
}

function listCommand(): Command {
  return leaf('list', "List an identity's federated identity credentials.", false).action(async (o: Parent) => {
    const client = clientFor(o);
    const { value } = await listAll<FederatedCredentialWire>(client, pathOf(o, client.subscriptionId));
    print(o.output, value, value, COLUMNS);
  });
}

function deleteCommand(): Command {
  return leaf('delete', 'Delete a federated identity credential.', true).action(async (o: Named) => {
    const client = clientFor(o);
    const { status } = await client.call('DELETE', pathOf(o, client.subscriptionId, o.name));
    const deleted = status !== 204;
    if (o.output === 'json') process.stdout.write(`${JSON.stringify({ deleted })}\n`);
    else
      process.stdout.write(
        deleted ? `deleted federated credential ${o.name}\n` : `federated credential ${o.name} did not exist\n`,
      );
  });
}

export function federatedCredentialCommand(): Command {
  return new Command('federated-credential')
    .description('Manage the federated identity credentials of a user-assigned identity.')
    .addCommand(createCommand())
    .addCommand(showCommand())
    .addCommand(listCommand())
    .addCommand(deleteCommand());
}
