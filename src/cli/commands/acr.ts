import { Command } from 'commander';
import { listAll } from '../../client/arm-client.js';
import { CliError } from '../cli-error.js';
import { clientFor, withClientOptions, type ClientOptions } from '../command-kit.js';

/** The user name Docker clients sign in with when the password is an ACR refresh token. */
const REFRESH_TOKEN_USER = '00000000-0000-0000-0000-000000000000';
const TYPE = 'Microsoft.ContainerRegistry/registries';

interface RegistryWire {
  name: string;
  properties: { loginServer: string };
}

interface LoginOptions extends ClientOptions {
  name: string;
  exposeToken?: boolean;
}

/**
 * `openmi acr login -n NAME --expose-token`: what `az acr login --expose-token` prints
 * (https://learn.microsoft.com/en-us/cli/azure/acr#az-acr-login): the ARM token exchanged at the
 * registry's /oauth2/exchange for a refresh token, to hand to docker/skopeo/oras as the password.
 */
async function login(o: LoginOptions): Promise<void> {
  const client = clientFor(o);
  const { value } = await listAll<RegistryWire>(
    client,
    `/subscriptions/${client.subscriptionId}/providers/${TYPE}?api-version=2021-09-01`,
  );
  const r = value.find((x) => x.name.toLowerCase() === o.name.toLowerCase());
  if (!r) throw new CliError(`no registry named '${o.name}' in subscription ${client.subscriptionId}`, 3);
  const x = await client.postFormWithToken(
    `/acr/${encodeURIComponent(r.name)}/oauth2/exchange`,
    { grant_type: 'access_token', service: r.properties.loginServer },
    'access_token',
  );
  const body = JSON.parse(x.text || '{}') as { refresh_token?: string; errors?: { message: string }[] };
  if (x.status !== 200 || !body.refresh_token)
    throw new CliError(
      `the registry refused the exchange (HTTP ${x.status}): ${body.errors?.[0]?.message ?? x.text}`,
      1,
    );
  const loginServer = r.properties.loginServer;
  if (o.exposeToken) {
    // az's own output: exactly these two keys on stdout, the user name in a warning on stderr
    // (azure-cli acr/custom.py acr_login), so scripts reading either keep working.
    process.stderr.write(
      `WARNING: You can perform manual login using the provided access token below, for example: 'docker login loginServer -u ${REFRESH_TOKEN_USER} -p accessToken'\n`,
    );
    process.stdout.write(`${JSON.stringify({ accessToken: body.refresh_token, loginServer }, null, 2)}\n`);
  } else
    process.stdout.write(
      `Refresh token for ${loginServer} obtained. Without a Docker daemon to log in to, use --expose-token and pass accessToken as the password of user ${REFRESH_TOKEN_USER} (skopeo login, docker login --password-stdin).\n`,
    );
}

/** `openmi acr login`: registry credentials for the installation's admin (docs/registries.md). */
export function acrCommand(): Command {
  const loginCmd = withClientOptions(
    new Command('login')
      .description('Exchange the admin ARM token for a registry refresh token, as az acr login does.')
      .requiredOption('-n, --name <registry>', 'registry name')
      .option(
        '--expose-token',
        'print {accessToken, loginServer} as az does (user name: 00000000-0000-0000-0000-000000000000)',
      ),
  ).action((o: LoginOptions) => login(o));
  return new Command('acr')
    .description('Container registries: sign-in tokens for docker, skopeo, oras.')
    .addHelpText(
      'after',
      "\nThe registry (Distribution's auth.token) must trust registry-signing.pem from openmi's data dir\n" +
        'as its rootcertbundle, never ca.pem (docs/registries.md).',
    )
    .addCommand(loginCmd);
}
