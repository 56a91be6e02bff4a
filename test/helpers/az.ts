import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TestServer } from './server.js';

/** Not compiled: read from the source tree. The documented workaround for Debian's role-module bug (docs/clients.md). */
export const ROLE_SHIM = fileURLToPath(new URL('../../../test/conformance/clients/az_role_shim', import.meta.url));

/** Why the Azure CLI tests cannot run here, or undefined when `az` is on PATH. */
export function azMissing(): string | undefined {
  try {
    execFileSync('az', ['version'], { stdio: 'ignore', timeout: 60_000 });
    return undefined;
  } catch {
    return "Debian's azure-cli is not installed (az not on PATH); .ci/run installs it";
  }
}

/**
 * The environment of an `az` confined to `dir` and pointed at `t` as a cloud: its own config
 * directory and HOME, openmi's CA, and the cloud metadata URL `az cloud set -n openmi` reads.
 */
export function azEnv(t: TestServer, dir: string, extra: Record<string, string> = {}): Record<string, string> {
  const config = join(dir, 'az');
  // az 2.45 writes cloudEndpoints.json before it creates its config directory (docs/clients.md).
  mkdirSync(config, { recursive: true });
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: dir,
    AZURE_CONFIG_DIR: config,
    AZURE_CORE_COLLECT_TELEMETRY: 'false',
    AZURE_CORE_NO_COLOR: 'true',
    REQUESTS_CA_BUNDLE: t.server.caCertPath,
    SSL_CERT_FILE: t.server.caCertPath,
    ARM_CLOUD_METADATA_URL: `${t.server.baseUrl}/metadata/endpoints?api-version=2022-09-01`,
    ...extra,
  };
}

/** Runs `az ARGS` in `env`; resolves with its trimmed stdout, rejects with its stderr. */
export function azRunner(env: () => Record<string, string>): (args: string[]) => Promise<string> {
  return (args) =>
    new Promise((resolve, reject) =>
      execFile('az', args, { env: env(), timeout: 120_000 }, (e, stdout, stderr) =>
        e ? reject(new Error(`az ${args.join(' ')}\n${stderr}`)) : resolve(stdout.trim()),
      ),
    );
}

/** Selects openmi's cloud and logs in as the bootstrap admin through the ADFS-style authority (azure-cli.test.ts). */
export async function azLoginAdmin(az: (args: string[]) => Promise<string>, t: TestServer): Promise<void> {
  await az(['cloud', 'set', '-n', 'openmi']);
  const login = ['-u', t.creds.clientId, '-p', t.creds.clientSecret, '--tenant', 'adfs', '-o', 'none'];
  await az(['login', '--service-principal', ...login]);
}
