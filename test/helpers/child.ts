import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Runs a compiled client script under dist/conformance/clients with the given environment. */
export function runClient(
  script: string,
  args: string[],
  env: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ stdout: string; stderr: string; code: number }> {
  const path = fileURLToPath(new URL(`../conformance/clients/${script}`, import.meta.url));
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path, ...args],
      { env: { PATH: process.env['PATH'] ?? '', ...env }, timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (err, stdout, stderr) => {
        resolve({ stdout, stderr, code: err ? ((err as { code?: number }).code ?? 1) : 0 });
      },
    );
  });
}
