import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { TestServer } from './server.js';

/** Runs the built CLI as a child process, the way a user would. Test-only. */

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: readonly string[]): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { PATH: process.env['PATH'] ?? '' } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

/** A CLI bound to one test server's data directory; fails the test with stderr when a command that should succeed does not. */
export function cliFor(t: TestServer) {
  const run = (...args: string[]) => runCli([...args, '--data-dir', t.dataDir]);
  const ok = async (...args: string[]): Promise<string> => {
    const r = await run(...args);
    if (r.code !== 0) throw new Error(`openmi ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  };
  const json = async <T = Record<string, unknown>>(...args: string[]): Promise<T> =>
    JSON.parse(await ok(...args, '-o', 'json')) as T;
  return { run, ok, json };
}

export async function createResourceGroup(t: TestServer, name: string): Promise<void> {
  const r = await t.arm(
    'PUT',
    `/subscriptions/${t.creds.subscriptionId}/resourceGroups/${name}?api-version=2025-04-01`,
    { location: 'local' },
  );
  if (r.status >= 300) throw new Error(`creating resource group ${name}: ${r.status} ${r.text}`);
}

/** Table rows as arrays of cells, header and rule removed. */
export function tableRows(out: string): string[][] {
  return out
    .trimEnd()
    .split('\n')
    .slice(2)
    .map((l) => l.split(/\s{2,}/));
}
