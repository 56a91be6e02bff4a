import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { CliError } from './cli-error.js';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Runs the child and resolves with the exit code a shell would report (128 + signal number when killed). */
export function runChild(cmd: string, args: string[], env: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: 'inherit', env });
    const forward = (s: NodeJS.Signals) => child.kill(s);
    for (const s of FORWARDED) process.on(s, forward);
    const done = () => {
      for (const s of FORWARDED) process.off(s, forward);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      done();
      reject(
        new CliError(e.code === 'ENOENT' ? `command not found: ${cmd}` : `cannot start ${cmd}: ${e.message}`, 127),
      );
    });
    child.on('exit', (code, signal) => {
      done();
      resolve(code ?? 128 + (signal ? ((constants.signals as Record<string, number>)[signal] ?? 0) : 0));
    });
  });
}
