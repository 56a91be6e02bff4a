import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CliError } from '../cli-error.js';
import type { ResourceRef } from './join-token.js';

const READY_TIMEOUT_MS = 20_000;

interface Ready {
  pid: number;
  resourceId: string;
  env: Record<string, string>;
}

async function waitForReady(file: string, child: ReturnType<typeof spawn>): Promise<Ready> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  let exited: number | null = null;
  child.once('exit', (code) => (exited = code ?? 1));
  while (Date.now() < deadline) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Ready;
    } catch {
      if (exited !== null)
        throw new CliError(
          `the background agent exited with code ${exited}; run 'openmi agent --resource …' in the foreground to see why.`,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  child.kill();
  throw new CliError('the background agent did not start within 20 s.');
}

/**
 * `openmi env --resource`: a shell has no process to hang endpoints on, so this starts a
 * detached ephemeral agent for the resource and prints the variables that point at it.
 */
export async function resourceEnvironment(o: ResourceRef & { dataDir?: string }): Promise<Ready> {
  const dir = mkdtempSync(join(tmpdir(), 'openmi-env-'));
  const readyFile = join(dir, 'ready.json');
  const args = [
    fileURLToPath(new URL('../main.js', import.meta.url)),
    'agent',
    '--listen',
    '127.0.0.1:0',
    '--ready-file',
    readyFile,
  ];
  if (o.dataDir) args.push('--data-dir', o.dataDir);
  if (o.resource) args.push('--resource', o.resource);
  else if (o.type && o.resourceGroup && o.name) args.push('--type', o.type, '-g', o.resourceGroup, '-n', o.name);
  else throw new CliError('say which resource: --resource ID, or --type, --resource-group and --name.', 2);
  const child = spawn(process.execPath, args, { detached: true, stdio: 'ignore' });
  try {
    const ready = await waitForReady(readyFile, child);
    child.unref();
    return ready;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
