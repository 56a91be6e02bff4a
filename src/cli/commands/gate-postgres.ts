import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { createArmClient } from '../../client/arm-client.js';
import { startPgGate } from '../../gate/postgres/pg-gate-runtime.js';
import { UpstreamPrincipals } from '../../store/postgres/upstream-principals.js';
import { CliError } from '../cli-error.js';

interface PgGateOptions {
  upstream?: string;
  resource?: string;
  listen?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsName?: string[];
  audience?: string;
  dataDir?: string;
}

export function listenAddress(listen: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(listen);
  if (!m) throw new CliError(`--listen must be ADDR:PORT, got '${listen}'`);
  return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
}

function readPem(path: string, flag: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new CliError(`cannot read ${flag} ${path}: ${(e as Error).message}`);
  }
}

/** PostgreSQL truncates identifiers at 63 bytes (NAMEDATALEN - 1); a longer name could never sign in. */
function roleName(role: string): string {
  if (role === '' || Buffer.byteLength(role) > 63) throw new CliError('--role must be 1 to 63 bytes');
  return role;
}

function mapCommand(): Command {
  return (
    new Command('map')
      .description(
        'Let an identity sign in as a role (like pgaadauth_create_principal): creates the role with LOGIN when absent.',
      )
      // --upstream is a parent's option (commander hands it to `gate`): read through optsWithGlobals.
      .requiredOption('--role <name>', 'the role (the user name clients sign in with)')
      .option('--identity <objectId>', 'object (principal) id of the identity; omit with --remove')
      .option('--remove', 'remove the role’s mapping (the role stays)')
      .action(async (_: unknown, cmd: Command) => {
        const o = cmd.optsWithGlobals<{ upstream?: string; role: string; identity?: string; remove?: boolean }>();
        if (!o.upstream) throw new CliError('openmi gate postgres map needs --upstream (a role that may create roles)');
        const principals = new UpstreamPrincipals(o.upstream);
        try {
          const role = roleName(o.role);
          if (o.remove) {
            const gone = await principals.unmap(role);
            process.stdout.write(gone ? `removed the mapping of role ${role}\n` : `role ${role} had no mapping\n`);
            return;
          }
          if (!o.identity || !/^[0-9a-f-]{36}$/i.test(o.identity))
            throw new CliError('--identity must be the object (principal) id of the identity, a GUID');
          const { createdRole } = await principals.map({ role, objectId: o.identity });
          process.stdout.write(
            `role ${role}${createdRole ? ' (created)' : ''} → identity ${o.identity.toLowerCase()}\n`,
          );
        } finally {
          await principals.close();
        }
      })
  );
}

/** `openmi gate postgres`: PostgreSQL sign-in with access tokens as passwords (docs/adr/0011-postgres-gate.md). */
export function gatePostgresCommand(): Command {
  return (
    new Command('postgres')
      .description('PostgreSQL proxy that signs clients in with an access token as the password (TLS only).')
      // Checked in the action, not as required options: commander would demand them of `map` too.
      .option('--upstream <url>', 'the PostgreSQL, as a role that may read the mapping: postgres://gate@host:5432/db')
      .option('--resource <id>', 'ARM id of the database server (the RBAC scope)')
      .option('--tls-cert <file>', "PEM certificate to serve instead of one from openmi's CA")
      .option('--tls-key <file>', 'PEM private key of --tls-cert')
      .option(
        '--tls-name <name>',
        "another DNS name or IP address for the certificate from openmi's CA (repeatable)",
        (v: string, all: string[] = []) => [...all, v],
      )
      .option('--listen <addr:port>', 'where the gate listens (default: "127.0.0.1:6432")')
      .option('--audience <aud>', 'token audience the gate accepts (default https://ossrdbms-aad.database.windows.net)')
      .option('--data-dir <dir>', 'data directory of the openmi installation (admin credentials, CA)')
      // `openmi gate` has --upstream, --resource, --listen, --audience and --data-dir too, and
      // commander hands each to the first command that declares it: read them with the parents'.
      .action(async (_: unknown, cmd: Command) => {
        const o = cmd.optsWithGlobals<PgGateOptions>();
        if (!o.upstream || !o.resource) throw new CliError('openmi gate postgres needs --upstream and --resource');
        if (!o.tlsCert !== !o.tlsKey) throw new CliError('--tls-cert and --tls-key go together');
        if (o.tlsCert && o.tlsName)
          throw new CliError("--tls-name names the certificate from openmi's CA, not --tls-cert");
        const { host, port } = listenAddress(o.listen ?? '127.0.0.1:6432');
        // Without --tls-cert the gate gets its certificate from openmi's CA (clients verify with ca.pem).
        const tls =
          o.tlsCert && o.tlsKey
            ? { cert: readPem(o.tlsCert, '--tls-cert'), key: readPem(o.tlsKey, '--tls-key') }
            : undefined;
        const { server, audience } = await startPgGate({
          client: createArmClient({ dataDir: o.dataDir }),
          upstream: o.upstream,
          resourceId: o.resource,
          principals: new UpstreamPrincipals(o.upstream),
          tls,
          tlsNames: o.tlsName,
          audience: o.audience,
          host,
          port,
          onError: (e) => process.stderr.write(`openmi gate postgres: ${(e as Error).message}\n`),
        });
        const addr = server.address();
        process.stdout.write(
          `openmi gate postgres listening on ${typeof addr === 'object' && addr ? `${addr.address}:${addr.port}` : o.listen}, audience ${audience}\n`,
        );
      })
      .addCommand(mapCommand())
  );
}
