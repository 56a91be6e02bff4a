import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const CLIENT = fileURLToPath(new URL('../conformance/clients/key-vault.client.js', import.meta.url));

export type KeyVaultAnswer = { ok: boolean; result?: any; statusCode?: number; message?: string };

/**
 * The unmodified @azure/keyvault-secrets client under `openmi run --resource`, one JSON command
 * per line (test/conformance/clients/key-vault.client.ts). Test-only.
 */
export function keyVaultClient(dataDir: string, resourceId: string, vaultUrl: string, clientId?: string) {
  const child: ChildProcessWithoutNullStreams = spawn(
    process.execPath,
    [
      MAIN,
      'run',
      '--data-dir',
      dataDir,
      '--resource',
      resourceId,
      '--',
      process.execPath,
      CLIENT,
      vaultUrl,
      ...(clientId ? [clientId] : []),
    ],
    { env: { PATH: process.env['PATH'] ?? '' } },
  );
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  return {
    async call(cmd: object): Promise<KeyVaultAnswer> {
      child.stdin.write(`${JSON.stringify(cmd)}\n`);
      const next = await lines.next();
      if (next.done) throw new Error(`client exited: ${stderr}`);
      return JSON.parse(next.value) as KeyVaultAnswer;
    },
    close: () => new Promise<void>((r) => (child.once('exit', () => r()), child.stdin.end())),
  };
}
