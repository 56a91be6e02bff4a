import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export type Answer = { ok: boolean; result?: any; statusCode?: number; code?: string; message?: string };

/**
 * A conformance client (one JSON command per stdin line, one answer per stdout line) under
 * `openmi run` as a user types it, with a clean environment, so a test can change role
 * assignments between the SDK's calls.
 */
export function runLineClient(client: string, dataDir: string, vmId: string, ...args: string[]) {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [MAIN, 'run', '--data-dir', dataDir, '--resource', vmId, '--', process.execPath, client, ...args],
    { env: { PATH: process.env['PATH'] ?? '' } },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async call(cmd: object): Promise<Answer> {
      child.stdin.write(`${JSON.stringify(cmd)}\n`);
      const next = await lines.next();
      if (next.done) throw new Error(`client exited: ${stderr}`);
      return JSON.parse(next.value) as Answer;
    },
    close: () => new Promise<void>((r) => (child.once('exit', () => r()), child.stdin.end())),
  };
}
