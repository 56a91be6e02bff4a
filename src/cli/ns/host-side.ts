import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Logger } from '../../kernel/log.js';
import { CliError } from '../cli-error.js';
import { runChild } from '../run-child.js';
import { closeAll, startRelay } from './relay.js';
import { makeRunDir, socketPaths, writePlan } from './plan.js';

/** The openmi binary, started again inside the namespace as `openmi __ns-init PLAN`. */
const MAIN = fileURLToPath(new URL('../main.js', import.meta.url));

const works = (cmd: string, args: string[]): string | undefined => {
  try {
    execFileSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: 10_000 });
    return undefined;
  } catch (e) {
    const err = e as { code?: string; stderr?: Buffer };
    return err.code === 'ENOENT' ? `${cmd} is not installed` : String(err.stderr ?? '').trim() || 'failed';
  }
};

/**
 * The `unshare` options that give a network and a mount namespace here: as root, plain ones;
 * otherwise (or when root lacks CAP_SYS_ADMIN, as in some containers) inside a user namespace
 * where the caller is root (https://man7.org/linux/man-pages/man7/user_namespaces.7.html).
 * Exits 2 naming what is missing.
 */
export function namespaceOptions(isRoot: boolean): string[] {
  if (process.platform !== 'linux') {
    throw new CliError(
      'openmi run --transparent needs Linux network and mount namespaces; without them run openmi run (no --transparent)',
      2,
    );
  }
  for (const [cmd, pkg] of [
    ['unshare', 'util-linux'],
    ['ip', 'iproute2'],
    ['mount', 'util-linux'],
  ] as const) {
    if (works(cmd, cmd === 'ip' ? ['-V'] : ['--version']) !== undefined) {
      throw new CliError(`openmi run --transparent needs '${cmd}' (${pkg}), which is not installed`, 2);
    }
  }
  const plain = ['--net', '--mount'];
  const rootError = isRoot ? works('unshare', [...plain, 'true']) : 'not running as root';
  if (rootError === undefined) return plain;
  const userns = ['--user', '--map-root-user', ...plain];
  const usernsError = works('unshare', [...userns, 'true']);
  if (usernsError === undefined) return userns;
  throw new CliError(
    `openmi run --transparent needs root (${rootError}) or unprivileged user namespaces (${usernsError}; ` +
      'enable them with sysctl kernel.unprivileged_userns_clone=1 or user.max_user_namespaces > 0). ' +
      'Without either, run openmi run (no --transparent), which covers Node and Python children.',
    2,
  );
}

export interface TransparentRun {
  dataDir: string;
  caPem: string;
  cmd: string;
  args: string[];
  inherited: Record<string, string>;
  /** The agent's metadata listener and the openmi server, as the host reaches them. */
  imds: { host: string; port: number };
  server: { host: string; port: number };
  log: Logger;
}

/** Runs the command in new namespaces; resolves with its exit code (docs/clients.md#transparent-mode). */
export async function runTransparent(r: TransparentRun, unshareOptions: string[]): Promise<number> {
  const runDir = makeRunDir(r.dataDir);
  const planPath = writePlan(runDir, { cmd: r.cmd, args: r.args, inherited: r.inherited, caPem: r.caPem });
  const sockets = socketPaths(runDir);
  const stopped = new Map<string, number>();
  const servers = [
    await startRelay({ path: sockets.imds }, () => net.connect(r.imds.port, r.imds.host)),
    await startRelay({ path: sockets.server }, () => net.connect(r.server.port, r.server.host)),
    await startEvents(sockets.events, (name) => countStopped(stopped, name, r.log)),
  ];
  try {
    const env = { PATH: r.inherited['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin' };
    return await runChild('unshare', [...unshareOptions, '--', process.execPath, MAIN, '__ns-init', planPath], env);
  } finally {
    closeAll(servers);
    rmSync(runDir, { recursive: true, force: true });
    if (stopped.size > 0) {
      r.log.warn(
        { stopped: Object.fromEntries(stopped) },
        'openmi run --transparent: Azure names stopped (lookups per name)',
      );
    }
  }
}

/** Names kept apart in the count; more are added up under one key (a bound on a hostile child). */
const MAX_NAMES = 256;

function countStopped(stopped: Map<string, number>, name: string, log: Logger): void {
  const key = stopped.has(name) || stopped.size < MAX_NAMES ? name : '(other names)';
  const n = (stopped.get(key) ?? 0) + 1;
  stopped.set(key, n);
  if (n === 1) {
    log.warn(
      { name: key },
      `openmi run --transparent: '${key}' is an Azure service openmi does not serve; its lookup failed with NXDOMAIN`,
    );
  }
}

function parseEvent(line: string): string | undefined {
  try {
    const name = (JSON.parse(line) as { unserved?: unknown }).unserved;
    return typeof name === 'string' && name.length <= 255 ? name : undefined;
  } catch {
    return undefined;
  }
}

/** The socket the namespace's resolver reports stopped names on, one JSON line each. */
function startEvents(path: string, onUnserved: (name: string) => void): Promise<net.Server> {
  const server = net.createServer((c) => {
    let buf = '';
    c.setEncoding('utf8');
    c.on('error', () => c.destroy());
    c.on('data', (chunk: string) => {
      buf += chunk;
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const name = parseEvent(line);
        if (name !== undefined) onUnserved(name);
      }
      if (buf.length > 1024) c.destroy(); // a line is one DNS name: longer is not ours
    });
  });
  server.maxConnections = 4;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve(server));
  });
}
