import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CLI_MAIN, spawnServe } from '../../test/helpers/serve-child.js';
import { startTestServer } from '../../test/helpers/server.js';
import { waitFor } from '../../test/helpers/wait.js';
import { DataDirLockedError } from './data-dir.js';

const lockPid = (dir: string): number => {
  const text = readFileSync(join(dir, 'server.lock'), 'utf8');
  return Number(/^\d+$/.test(text.trim()) ? text : (JSON.parse(text) as { pid: number }).pid);
};

const procState = (pid: number): string | undefined => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
  } catch {
    return undefined;
  }
};

const exited = (c: ChildProcess) =>
  new Promise((r) => (c.exitCode !== null || c.signalCode !== null ? r(undefined) : c.once('exit', r)));

/** A restart is never blocked by a server that is gone (docs/security.md, finding 1). */
describe('the data-dir lock of a dead server', { skip: process.platform !== 'linux' && 'needs /proc' }, () => {
  it('is taken over when the killed server is still a zombie (its parent has not reaped it)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openmi-lock-'));
    // The shell starts the server and becomes `sleep`, a parent that never reaps it.
    const parent = spawn(
      'sh',
      ['-c', `"${process.execPath}" "${CLI_MAIN}" serve --data-dir "${dir}" --port 0 >/dev/null 2>&1 & exec sleep 600`],
      { stdio: 'ignore', env: { ...process.env, OPENMI_LOG_LEVEL: 'silent' } },
    );
    try {
      await waitFor(() => existsSync(join(dir, 'endpoint.json')) && existsSync(join(dir, 'server.lock')), {
        what: 'the server to start',
        timeoutMs: 30_000,
        intervalMs: 50,
      });
      const pid = lockPid(dir);
      process.kill(pid, 'SIGKILL');
      await waitFor(() => procState(pid) === 'Z', {
        what: 'the server to become a zombie',
        timeoutMs: 30_000,
        intervalMs: 50,
      });
      const t = await startTestServer({ dataDir: dir });
      assert.equal((await t.arm('GET', '/subscriptions?api-version=2022-12-01')).status, 200);
      await t.stop();
    } finally {
      parent.kill('SIGKILL');
      await exited(parent);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("is taken over when the killed server's pid now belongs to another process", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openmi-lock-'));
    let other: ReturnType<typeof spawn> | undefined;
    try {
      const s = await spawnServe(dir);
      const pid = lockPid(dir);
      s.child.kill('SIGKILL');
      await exited(s.child);
      // Started after the server (as a pid's next owner is), so its start time differs by at
      // least one clock tick; started together, both could fall in the same 10 ms tick.
      await new Promise((r) => setTimeout(r, 50));
      other = spawn('sleep', ['600'], { stdio: 'ignore' });
      // What a reboot or a new container does: the same number, another process.
      const lock = join(dir, 'server.lock');
      writeFileSync(lock, readFileSync(lock, 'utf8').replace(String(pid), String(other.pid)));
      const t = await startTestServer({ dataDir: dir });
      assert.equal((await t.arm('GET', '/subscriptions?api-version=2022-12-01')).status, 200);
      await t.stop();
    } finally {
      other?.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('still refuses a second server while the first one runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'openmi-lock-'));
    const s = await spawnServe(dir);
    try {
      await assert.rejects(
        startTestServer({ dataDir: dir }),
        (e: unknown) => e instanceof DataDirLockedError && /already using the data directory/.test(e.message),
      );
      assert.ok(s.alive());
    } finally {
      await s.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
