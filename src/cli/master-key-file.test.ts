import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'openmi-mkf-'));
after(() => rmSync(root, { recursive: true, force: true }));
const baseEnv = { PATH: process.env['PATH'] ?? '', OPENMI_LOG_LEVEL: 'warn', OPENMI_SIGNING_WORKERS: '0' };

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { ...baseEnv, ...env } }, (err, _stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
    );
  });
}

/** Starts `openmi serve`, waits for the banner, stops it with SIGTERM; resolves with its exit code. */
function serveOnce(args: string[], env: Record<string, string> = {}): Promise<number | string | null> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', ...args], { env: { ...baseEnv, ...env } });
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      // serve prints its banner once its signal handlers are in place.
      if (out.includes('admin credentials:') && child.exitCode === null) child.kill('SIGTERM');
    });
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code, signal) =>
      out.includes('admin credentials:') ? resolve(code ?? signal) : reject(new Error(`serve exited ${code}: ${out}`)),
    );
  });
}

describe('openmi serve --master-key-file', () => {
  const key = randomBytes(32).toString('base64');
  const keyFile = join(root, 'master.b64');
  writeFileSync(keyFile, `${key}\n`, { mode: 0o600 });
  chmodSync(keyFile, 0o600);

  it('starts with the key from a private file and writes no master.key into the data dir', async () => {
    const dir = join(root, 'file');
    assert.equal(await serveOnce(['--data-dir', dir, '--master-key-file', keyFile]), 0);
    assert.equal(existsSync(join(dir, 'master.key')), false);
    // The same key, given the other way, opens what the first start sealed.
    assert.equal(await serveOnce(['--data-dir', dir], { OPENMI_MASTER_KEY: key }), 0);
    assert.equal(await serveOnce(['--data-dir', dir], { OPENMI_MASTER_KEY_FILE: keyFile }), 0);
  });

  it(
    'refuses a key file group or others can read, and a wrong key',
    { skip: process.platform === 'win32' },
    async () => {
      const dir = join(root, 'refused');
      const open = join(root, 'open.b64');
      writeFileSync(open, `${key}\n`);
      chmodSync(open, 0o644);
      const r = await run(['serve', '--port', '0', '--data-dir', dir, '--master-key-file', open]);
      assert.equal(r.code, 1);
      assert.match(
        r.stderr,
        /master key file .*open\.b64 is accessible by group\/others \(mode 644\); restrict it with: chmod 600/,
      );
      assert.equal(await serveOnce(['--data-dir', dir, '--master-key-file', keyFile]), 0);
      const other = join(root, 'other.b64');
      writeFileSync(other, randomBytes(32).toString('base64'), { mode: 0o600 });
      const wrong = await run(['serve', '--port', '0', '--data-dir', dir, '--master-key-file', other]);
      assert.equal(wrong.code, 1);
      assert.match(wrong.stderr, /wrong master key/);
    },
  );

  it('refuses the file and OPENMI_MASTER_KEY together', async () => {
    const r = await run(['serve', '--data-dir', join(root, 'both'), '--master-key-file', keyFile], {
      OPENMI_MASTER_KEY: key,
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /not both/);
  });
});
