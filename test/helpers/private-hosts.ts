import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Runs a command with extra `/etc/hosts` lines, as a user would add them for vault host names
 * (docs/data-planes.md, "Name resolution"): glibc resolves neither `*.localhost` nor wildcards,
 * and non-Node clients have no resolver hook. The machine's own file is untouched: the command
 * runs in a private mount namespace (`unshare -m`, root only) with a copy bind-mounted over it.
 */
export function withHosts(entries: Record<string, string>, cmd: string, args: string[]): [string, string[]] {
  const dir = mkdtempSync(join(tmpdir(), 'openmi-hosts-'));
  const file = join(dir, 'hosts');
  const lines = Object.entries(entries).map(([name, ip]) => `${ip} ${name}`);
  writeFileSync(file, `${readFileSync('/etc/hosts', 'utf8')}\n${lines.join('\n')}\n`);
  const quoted = [cmd, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return ['unshare', ['-m', 'sh', '-c', `mount --bind '${file}' /etc/hosts && exec ${quoted}`]];
}

/** Why `withHosts` cannot run here, or undefined when it can. */
export function privateHostsMissing(): string | undefined {
  try {
    const [cmd, args] = withHosts({ 'probe.openmi.invalid': '127.0.0.1' }, 'getent', ['hosts', 'probe.openmi.invalid']);
    execFileSync(cmd, args, { stdio: 'ignore', timeout: 10_000 });
    return undefined;
  } catch {
    return 'cannot bind-mount a private /etc/hosts (unshare -m needs root); .ci/run runs as root';
  }
}
