import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'openmi-cli-'));
  dirs.push(d);
  return d;
};
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Starts `openmi serve` and resolves with the child and its banner once it is listening. */
function serve(dataDir: string): Promise<{ child: ChildProcess; banner: string }> {
  const child = spawn(process.execPath, [MAIN, 'serve', '--port', '0', '--data-dir', dataDir], {
    env: { PATH: process.env['PATH'] ?? '', OPENMI_LOG_LEVEL: 'warn' },
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('admin credentials:')) resolve({ child, banner: out });
    });
    child.stderr!.on('data', (c: Buffer) => (out += c.toString()));
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
}

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { env: { PATH: process.env['PATH'] ?? '' } }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
    );
  });
}

const exited = (child: ChildProcess) => new Promise<number | null>((r) => child.once('exit', (code) => r(code)));

describe('openmi CLI', () => {
  it('serve prints endpoints; env --admin prints exactly the documented keys; a second server is refused; SIGTERM stops cleanly; restart reuses the installation', async () => {
    const dir = tempDir();
    const { child, banner } = await serve(dir);
    assert.match(banner, /openmi is listening on https:\/\/127\.0\.0\.1:\d+/);
    assert.match(banner, /oauth2\/v2\.0\/token/);

    const json = await run(['env', '--admin', '--data-dir', dir, '--format', 'json']);
    assert.equal(json.code, 0, json.stderr);
    const env = JSON.parse(json.stdout);
    assert.deepEqual(Object.keys(env).sort(), [
      'armEndpoint',
      'authorityHost',
      'caCertPath',
      'clientId',
      'clientSecret',
      'subscriptionId',
      'tenantId',
    ]);
    assert.ok(banner.includes(env.armEndpoint));
    assert.equal(
      statSync(join(dir, 'admin-credentials.json')).mode & 0o077,
      0,
      'credentials readable by the owner only',
    );

    const sh = await run(['env', '--admin', '--data-dir', dir]);
    for (const v of [
      'AZURE_TENANT_ID',
      'AZURE_CLIENT_ID',
      'AZURE_CLIENT_SECRET',
      'AZURE_AUTHORITY_HOST',
      'AZURE_SUBSCRIPTION_ID',
      'OPENMI_ARM_ENDPOINT',
      'NODE_EXTRA_CA_CERTS',
      'REQUESTS_CA_BUNDLE',
      'SSL_CERT_FILE',
    ]) {
      assert.match(sh.stdout, new RegExp(`^export ${v}='`, 'm'));
    }

    const second = await run(['serve', '--port', '0', '--data-dir', dir]);
    assert.equal(second.code, 1);
    assert.match(second.stderr, /already using the data directory/);

    child.kill('SIGTERM');
    assert.equal(await exited(child), 0);

    const again = await serve(dir);
    const env2 = JSON.parse((await run(['env', '--admin', '--data-dir', dir, '--format', 'json'])).stdout);
    assert.equal(env2.tenantId, env.tenantId);
    assert.equal(env2.clientSecret, env.clientSecret);
    again.child.kill('SIGINT');
    assert.equal(await exited(again.child), 0);
  });

  it('env --admin without a data dir says how to create one', async () => {
    const r = await run(['env', '--admin', '--data-dir', join(tempDir(), 'none')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /openmi serve --data-dir/);
  });

  it('rejects a bad store flag with the setting name', async () => {
    const r = await run(['serve', '--store', 'mysql://x', '--data-dir', tempDir()]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /store/);
  });
});
