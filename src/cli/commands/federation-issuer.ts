import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { withApiVersion } from '../arm-paths.js';
import { clientFor, parseJsonObject, withClientOptions, type ClientOptions } from '../command-kit.js';
import { CliError } from '../cli-error.js';
import { print, type Column } from '../output.js';
import { OPENMI_TOKENS_API_VERSION, workloadTokenCommand } from './workload-token.js';

interface FederationIssuer {
  id: string;
  name: string;
  properties?: { issuer?: string; jwks?: { keys?: unknown[] }; updatedOn?: string };
}

const COLUMNS: Column<FederationIssuer>[] = [
  { header: 'name', get: (r) => r.name },
  { header: 'issuer', get: (r) => r.properties?.issuer },
  { header: 'keys', get: (r) => r.properties?.jwks?.keys?.length ?? 0 },
  { header: 'updatedOn', get: (r) => r.properties?.updatedOn },
];

const pathOf = (name?: string) =>
  withApiVersion(
    `/providers/OpenMI.Tokens/federationIssuers${name === undefined ? '' : `/${encodeURIComponent(name)}`}`,
    OPENMI_TOKENS_API_VERSION,
  );

function readJwks(file: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read --jwks-file ${file}: ${(e as Error).message}`, 2);
  }
  return parseJsonObject(text, '--jwks-file');
}

function addCommand(): Command {
  return withClientOptions(
    new Command('add').description(
      "Register (or replace) an external issuer's JWKS, for issuers openmi cannot or may not reach through OpenID discovery (private networks).",
    ),
  )
    .requiredOption('-n, --name <name>', 'name of the registration')
    .requiredOption('--issuer <url>', "the issuer exactly as in the tokens' 'iss' claim")
    .requiredOption('--jwks-file <file>', 'JWKS document ({"keys":[...]}) with the public keys')
    .action(async (o: ClientOptions & { name: string; issuer: string; jwksFile: string }) => {
      const body = { properties: { issuer: o.issuer, jwks: readJwks(o.jwksFile) } };
      const r = await clientFor(o).request<FederationIssuer>('PUT', pathOf(o.name), body);
      print(o.output, r, [r], COLUMNS);
    });
}

function listCommand(): Command {
  return withClientOptions(new Command('list').description('List registered federation issuers.')).action(
    async (o: ClientOptions) => {
      const r = await clientFor(o).request<{ value?: FederationIssuer[] }>('GET', pathOf());
      const value = r?.value ?? [];
      print(o.output, value, value, COLUMNS);
    },
  );
}

function deleteCommand(): Command {
  return withClientOptions(new Command('delete').description('Remove a registered federation issuer.'))
    .requiredOption('-n, --name <name>', 'name of the registration')
    .action(async (o: ClientOptions & { name: string }) => {
      const { status } = await clientFor(o).call('DELETE', pathOf(o.name));
      const deleted = status !== 204;
      if (o.output === 'json') process.stdout.write(`${JSON.stringify({ deleted })}\n`);
      else
        process.stdout.write(
          deleted ? `deleted federation issuer ${o.name}\n` : `federation issuer ${o.name} did not exist\n`,
        );
    });
}

export function federationIssuerCommand(): Command {
  return new Command('federation-issuer')
    .description('Manage signing keys of external workload-identity issuers (OpenMI.Tokens/federationIssuers).')
    .addCommand(addCommand())
    .addCommand(listCommand())
    .addCommand(deleteCommand());
}

/** Both federation commands, so main.ts registers them with one line. */
export function federationCommands(): Command[] {
  return [workloadTokenCommand(), federationIssuerCommand()];
}
