import { Command, InvalidArgumentError } from 'commander';
import { writePrivateFile } from '../../kernel/private-files.js';
import { withApiVersion } from '../arm-paths.js';
import { clientFor, withClientOptions, type ClientOptions } from '../command-kit.js';
import { CliError } from '../cli-error.js';

export const OPENMI_TOKENS_API_VERSION = '2025-01-01';

interface WorkloadTokenResponse {
  token: string;
  issuer: string;
  subject: string;
  audience: string;
  expiresOn: string;
}

interface Options extends ClientOptions {
  subject: string;
  audience?: string;
  lifetime?: number;
  out?: string;
}

function lifetime(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 60 || n > 86_400)
    throw new InvalidArgumentError('use a whole number of seconds from 60 to 86400.');
  return n;
}

/**
 * `openmi workload-token`: a JWT from openmi's own workload issuer, for pipelines that have no
 * OIDC issuer. Written with mode 0600 via rename, so an SDK re-reading AZURE_FEDERATED_TOKEN_FILE
 * never sees a half-written token; no trailing newline, because the JS SDK sends the file verbatim.
 */
export function workloadTokenCommand(): Command {
  return withClientOptions(
    new Command('workload-token').description(
      "Mint a token from openmi's workload issuer ({server}/openmi/workload) for a federated credential.",
    ),
  )
    .requiredOption('--subject <subject>', "the token's 'sub', e.g. system:serviceaccount:ns:app")
    .option('--audience <audience>', "the token's 'aud' (default api://AzureADTokenExchange)")
    .option('--lifetime <seconds>', 'lifetime in seconds, 60-86400 (default 3600)', lifetime)
    .option('--out <file>', 'write the token to this file (mode 0600) instead of printing it')
    .action(async (o: Options) => {
      const client = clientFor(o);
      const body = {
        subject: o.subject,
        ...(o.audience ? { audience: o.audience } : {}),
        ...(o.lifetime ? { lifetimeSeconds: o.lifetime } : {}),
      };
      const r = await client.request<WorkloadTokenResponse>(
        'POST',
        withApiVersion('/providers/OpenMI.Tokens/workloadTokens', OPENMI_TOKENS_API_VERSION),
        body,
      );
      if (!r?.token) throw new CliError('the server answered without a token');
      if (o.out) {
        writeToken(o.out, r.token);
        if (o.output === 'json')
          process.stdout.write(
            `${JSON.stringify({ file: o.out, issuer: r.issuer, subject: r.subject, audience: r.audience, expiresOn: r.expiresOn })}\n`,
          );
        else
          process.stdout.write(
            `wrote a token for '${r.subject}' (issuer ${r.issuer}, expires ${r.expiresOn}) to ${o.out}\n`,
          );
        return;
      }
      process.stdout.write(o.output === 'json' ? `${JSON.stringify(r, null, 2)}\n` : `${r.token}\n`);
    });
}

function writeToken(file: string, token: string): void {
  try {
    writePrivateFile(file, token);
  } catch (e) {
    throw new CliError(`cannot write the token to ${file}: ${(e as Error).message}`);
  }
}
