/**
 * Benchmark servers that are scripts of bench/ (the bare node:http server, the fixture IMDS server,
 * the oidc-provider baseline): each pinned with taskset, announcing `{"port":…}` on its first line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface RunningServer {
  child: ChildProcess;
  port: number;
}

export const benchScript = (file: string) => fileURLToPath(new URL(file, import.meta.url));

export function startServer(
  script: string,
  args: string[],
  cpus: string,
  nodeFlags: string[] = [],
): Promise<RunningServer> {
  const child = spawn('taskset', ['-c', cpus, process.execPath, ...nodeFlags, benchScript(script), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-8000)));
  return new Promise((resolveStart, rejectStart) => {
    let stdout = '';
    const fail = (why: string) => {
      child.kill('SIGKILL');
      rejectStart(new Error(`benchmark server ${script} ${args[0] ?? ''} ${why}\n${stderr}`));
    };
    const timer = setTimeout(() => fail('did not start within 60 s'), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const nl = stdout.indexOf('\n');
      if (nl === -1) return;
      clearTimeout(timer);
      resolveStart({ child, port: (JSON.parse(stdout.slice(0, nl)) as { port: number }).port });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rejectStart(new Error(`benchmark server ${script} ${args[0] ?? ''} exited with ${code}\n${stderr}`));
    });
  });
}

export function stopServer(s: RunningServer): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const kill = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
    s.child.once('exit', () => {
      clearTimeout(kill);
      resolveStop();
    });
    s.child.kill('SIGTERM');
  });
}

/** User + system CPU seconds of a process so far (all its threads), from /proc (NaN where there is none). */
export function cpuSeconds(pid: number | undefined): number {
  try {
    // Fields after the parenthesized command name; utime and stime are fields 14 and 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}
const CLOCK_TICKS = 100; // USER_HZ: 100 on every Linux architecture Node supports
