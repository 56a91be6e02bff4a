import { chmodSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/** Public material (certificates): readable by everyone, e.g. for NODE_EXTRA_CA_CERTS of another user. */
export const PUBLIC_MODE = 0o644;
/** Sealed private keys: encrypted already, but still nobody else's business. */
export const PRIVATE_MODE = 0o600;

/**
 * Writes via a temp file + rename so a crash never leaves a half-written PEM that a later
 * start would misread; chmod explicitly because the process umask may have stripped bits
 * (e.g. umask 077 would make ca.pem unreadable to the clients that must trust it).
 */
export function writeFileAtomic(path: string, data: string, mode: number): void {
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(tmp, data, { mode, flag: 'wx' });
    chmodSync(tmp, mode);
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
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
