import { writeSync } from 'node:fs';
import { hostname } from 'node:os';

/** Enough of a message and stack to find the bug; an error's message can carry request data. */
const MAX_TEXT = 8 * 1024;

const bounded = (v: unknown): string | undefined =>
  typeof v === 'string' ? (v.length > MAX_TEXT ? `${v.slice(0, MAX_TEXT)}…[truncated]` : v) : undefined;

/** The fatal line: the shape of the logger's lines (src/kernel/log.ts) at pino's level 60. */
export function fatalLine(command: string, err: unknown, origin: string, now: Date = new Date()): string {
  const e = err instanceof Error ? err : undefined;
  return `${JSON.stringify({
    level: 60,
    time: now.toISOString(),
    pid: process.pid,
    hostname: hostname(),
    svc: 'openmi',
    command,
    origin,
    err: e
      ? { type: bounded(e.name), message: bounded(e.message), stack: bounded(e.stack) }
      : { type: typeof err, message: bounded(String(err)) },
    msg: `openmi ${command} stopped: an error nothing handled (${origin}). This is a bug: report it with this line; a supervisor should restart the process.`,
  })}\n`;
}

let installed = false;

/**
 * Writes one JSON line at level fatal to standard error, synchronously, when an error nothing
 * caught is about to end the process; Node then prints the stack and exits with code 1 as it
 * would have.
 *
 * Why: without it the only trace of such an exit is Node's plain-text stack on stderr, which
 * pipelines that keep JSON log lines drop: an agent the fuzz saw exit twice left nothing to
 * explain why (docs/operations.md, "When a process stops"). `uncaughtExceptionMonitor` observes
 * without changing Node's handling, and also sees unhandled rejections (Node 20 raises them as
 * uncaught exceptions). The line is written with writeSync because the logger's own stream is
 * asynchronous and the process may not live to flush it.
 */
export function installFatalMonitor(command: string): void {
  if (installed) return;
  installed = true;
  process.on('uncaughtExceptionMonitor', (err, origin) => {
    try {
      writeSync(2, fatalLine(command, err, origin));
    } catch {
      // stderr closed: Node's own report fails the same way; nothing more to do
    }
  });
}
