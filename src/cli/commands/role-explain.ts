import { Command } from 'commander';
import { CliError } from '../cli-error.js';
import { clientFor, withClientOptions, type ClientOptions } from '../command-kit.js';
import { print } from '../output.js';
import { resolveAssignee, scopeOf } from '../role-resolve.js';
import { CHECK_ACCESS_PATH, type CheckAccessRequest, type CheckAccessWire } from '../../wire/authorization.js';

interface ExplainOptions extends ClientOptions {
  assignee: string;
  action?: string;
  dataAction?: string;
  scope?: string;
  resourceGroup?: string;
}

/** `openmi role explain`: would this principal be allowed, and which assignment decides it. */
export function roleExplainCommand(): Command {
  return withClientOptions(
    new Command('explain').description(
      'Explain whether a principal may perform an action or data action at a scope, and why.',
    ),
  )
    .requiredOption('--assignee <id>', 'object id or client id of the principal')
    .option('--action <action>', 'a control-plane action, e.g. Microsoft.ManagedIdentity/userAssignedIdentities/write')
    .option('--data-action <dataAction>', 'a data action, e.g. Microsoft.KeyVault/vaults/secrets/getSecret/action')
    .option('--scope <scope>', 'resource id or scope (default: the subscription)')
    .option('-g, --resource-group <name>', 'use this resource group of the subscription as the scope')
    .action(async (o: ExplainOptions) => {
      if ((o.action === undefined) === (o.dataAction === undefined))
        throw new CliError('give exactly one of --action or --data-action.', 2);
      const client = clientFor(o);
      const principalId = await resolveAssignee(client, o.assignee);
      const body: CheckAccessRequest = {
        principalId,
        scope: scopeOf(client, o),
        ...(o.action ? { action: o.action } : { dataAction: o.dataAction! }),
      };
      const r = await client.request<CheckAccessWire>('POST', `${CHECK_ACCESS_PATH}?api-version=2025-01-01`, body);
      if (o.output === 'json') return print('json', r, [], []);
      process.stdout.write(`${r.reason}\n`);
      for (const a of r.considered)
        process.stdout.write(`  ${a.roleName ?? '(unknown role)'} at ${a.scope}: ${a.verdict}\n`);
    });
}
