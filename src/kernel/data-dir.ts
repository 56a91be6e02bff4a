import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export class DataDirLockedError extends Error {}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Creates the data directory (mode 0700) and takes its lock, so a second server on the same
 * directory fails at once with a message instead of corrupting state. A lock left by a process
 * that no longer exists is taken over.
 */
export function lockDataDir(dir: string): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, 'server.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx', 0o600);
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(path, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const pid = Number(readFileSync(path, 'utf8').trim());
      if (Number.isInteger(pid) && pid > 0 && alive(pid) && pid !== process.pid) {
        throw new DataDirLockedError(`another openmi server (pid ${pid}) is already using the data directory ${dir}. Stop it first, or start this one with --data-dir pointing elsewhere.`);
      }
      rmSync(path, { force: true });
    }
  }
  throw new DataDirLockedError(`could not lock the data directory ${dir}; remove ${path} if no openmi server is running.`);
}
