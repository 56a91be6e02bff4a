import { execFileSync } from 'node:child_process';

/** Debian's interpreter, whose dist-packages hold python3-azure (not a pyenv shim's). */
export const PYTHON = '/usr/bin/python3';

/** Why the Python SDK tests cannot run here (`modules` do not import), or undefined when they can. */
export function pythonMissing(modules: string): string | undefined {
  try {
    execFileSync(PYTHON, ['-c', `import ${modules}`], { stdio: 'ignore' });
    return undefined;
  } catch {
    return `Debian's python3-azure is not installed (${PYTHON} cannot import ${modules})`;
  }
}
