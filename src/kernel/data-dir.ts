import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirLockedError extends Error {}

/** Who holds the lock: the pid, and what tells a restarted pid apart from the holder (Linux only). */
interface LockOwner {
  pid: number;
  /** Field 22 of /proc/{pid}/stat: the process start time in clock ticks since boot. */
  startTicks?: string;
  bootId?: string;
}

function readProc(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** State and start time from /proc/{pid}/stat; the command name (field 2) may hold spaces and parentheses. */
function procStat(pid: number): { state: string; startTicks: string } | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', startTicks: fields[19] ?? '' };
}

function me(): LockOwner {
  const stat = procStat(process.pid);
  const bootId = readProc('/proc/sys/kernel/random/boot_id');
  return { pid: process.pid, ...(stat ? { startTicks: stat.startTicks } : {}), ...(bootId ? { bootId } : {}) };
}

/** Earlier versions wrote the bare pid. */
function parseOwner(text: string): LockOwner | undefined {
  const bare = Number(text.trim());
  if (Number.isInteger(bare) && bare > 0) return { pid: bare };
  try {
    const o = JSON.parse(text) as LockOwner;
    return Number.isInteger(o.pid) && o.pid > 0 ? o : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether the lock's holder still runs. A pid alone is not enough: a killed server's pid is a
 * zombie until its parent reaps it (kill(pid, 0) still succeeds), and after a reboot or in a
 * fresh container the same pid belongs to some other process. So on Linux the holder must also
 * not be a zombie, and have the start time and boot id the lock recorded.
 */
function holderRuns(owner: LockOwner): boolean {
  if (owner.pid === process.pid) return false;
  try {
    process.kill(owner.pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  const stat = procStat(owner.pid);
  if (stat === undefined) return true; // no /proc: the pid check is all there is
  if (stat.state === 'Z' || stat.state === 'X') return false;
  const bootId = readProc('/proc/sys/kernel/random/boot_id');
  if (owner.bootId !== undefined && bootId !== undefined && owner.bootId !== bootId) return false;
  return owner.startTicks === undefined || owner.startTicks === stat.startTicks;
}

/**
 * Creates the data directory (mode 0700) and takes its lock, so a second server on the same
 * directory fails at once with a message instead of corrupting state. A lock whose holder no
 * longer runs (killed, crashed, its pid now someone else's) is taken over: a dead process never
 * blocks a restart (docs/security.md, finding 1).
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'server.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me()));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const owner = parseOwner(readProc(path) ?? '');
      if (owner !== undefined && holderRuns(owner)) {
        throw new DataDirLockedError(
          `another openmi server (pid ${owner.pid}) is already using the data directory ${dir}. Stop it first, or start this one with --data-dir pointing elsewhere.`,
        );
      }
      rmSync(path, { force: true });
    }
  }
  throw new DataDirLockedError(
    `could not lock the data directory ${dir}; remove ${path} if no openmi server is running.`,
  );
}
