import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  closeSync,
  existsSync,
  fchmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { join } from 'node:path';

/**
 * Every file openmi writes (keys, the database, credentials, agent state, certificates) is the
 * owner's alone: 0600 inside a 0700 directory. Certificates are not secret, but a 0700 directory
 * makes any wider mode meaningless, and one rule leaves nothing to get wrong per file.
 */
export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;
const GROUP_OTHER = 0o077;

/**
 * Creates `dir` (and missing parents) as 0700 and narrows an existing one: mkdir leaves the mode
 * of a directory that already exists alone, and applies the umask to one it creates.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (process.platform !== 'win32' && (lstatSync(dir).mode & GROUP_OTHER) !== 0) chmodSync(dir, PRIVATE_DIR_MODE);
}

/**
 * Writes `data` to `path` with mode 0600 via a temp file + rename, so a crash never leaves a
 * half-written file that a later start would misread. The mode does not depend on the umask: the
 * file is created 0600 (a umask can only remove bits) and then set to exactly 0600 with fchmod.
 */
export function writePrivateFile(path: string, data: string): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    const fd = openSync(tmp, 'wx', PRIVATE_FILE_MODE);
    try {
      fchmodSync(fd, PRIVATE_FILE_MODE);
      writeSync(fd, data);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

/**
 * Makes sure `path` exists as an owner-only file before a library that applies the umask creates
 * it. SQLite gives its -wal and -shm files the mode of the database file, so this covers all three.
 */
export function createPrivateFile(path: string): void {
  const fd = openSync(path, 'a', PRIVATE_FILE_MODE);
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
}

/**
 * Narrows `dir` to 0700 and the files directly in it to 0600 when group or others can access
 * them (files left by an older openmi, which created them 0644, or copied in). Subdirectories
 * and symlinks are left alone: openmi creates none, and the directory may hold other things.
 * Returns the paths it changed, so the caller can log them.
 */
export function tightenPrivateDir(dir: string): string[] {
  if (process.platform === 'win32' || !existsSync(dir)) return [];
  const changed: string[] = [];
  if ((lstatSync(dir).mode & GROUP_OTHER) !== 0) {
    chmodSync(dir, PRIVATE_DIR_MODE);
    changed.push(dir);
  }
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const path = join(dir, entry.name);
    if ((lstatSync(path).mode & GROUP_OTHER) === 0) continue;
    chmodSync(path, PRIVATE_FILE_MODE);
    changed.push(path);
  }
  return changed;
}

/** The file's text, or undefined if it does not exist (any other error is real and propagates). */
export function readIfExists(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}
