import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, lstatSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from './log.js';
import { startTestServer } from '../../test/helpers/server.js';
import { startAgent } from '../agent/agent-runtime.js';
import { TestAgentServer } from '../../test/helpers/agent-server.js';

const posix = process.platform !== 'win32';

/** Every path under `dir` (itself included) with its permission bits. */
function modes(dir: string): Map<string, number> {
  const out = new Map<string, number>();
  const visit = (p: string) => {
    const st = lstatSync(p);
    out.set(p, st.mode & 0o777);
    if (st.isDirectory()) for (const n of readdirSync(p)) visit(join(p, n));
  };
  visit(dir);
  return out;
}

/** The paths group or others can access: this must be empty. */
const open = (dir: string) =>
  [...modes(dir)].filter(([, m]) => (m & 0o077) !== 0).map(([p, m]) => `${p} ${m.toString(8)}`);

/** Loosens every path but `keep` the way an older openmi (umask 022) left them. */
function loosen(dir: string, keep: string[] = []): void {
  for (const [p] of modes(dir)) {
    if (keep.some((k) => p.endsWith(k))) continue;
    chmodSync(p, lstatSync(p).isDirectory() ? 0o755 : 0o644);
  }
}

/** A logger whose warn lines are kept for assertions. */
function capture(): { log: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (c, _e, cb) => (lines.push(JSON.parse(String(c))), cb()) });
  return { log: createLogger('warn', sink), lines };
}

describe(
  'files openmi creates are owner-only (0600 in a 0700 directory), whatever the umask',
  { skip: !posix && 'POSIX modes only' },
  () => {
    let root: string;
    let umask: number;
    before(() => {
      root = mkdtempSync(join(tmpdir(), 'openmi-modes-'));
      // The loosest umask: nothing may rely on it to hide a file.
      umask = process.umask(0);
    });
    after(() => {
      process.umask(umask);
      rmSync(root, { recursive: true, force: true });
    });

    it('a real server in a fresh data dir: keys, certificates, credentials, SQLite db/-wal/-shm, lock, endpoint', async () => {
      const dataDir = join(root, 'server', '.openmi');
      const t = await startTestServer({ dataDir });
      try {
        const r = await t.arm(
          'PUT',
          `/subscriptions/${t.creds.subscriptionId}/resourceGroups/rg-modes?api-version=2025-04-01`,
          { location: 'westeurope' },
        );
        assert.equal(r.status, 201, r.text);
        const names = readdirSync(dataDir).sort();
        for (const f of [
          'admin-credentials.json',
          'ca-key.sealed',
          'ca.pem',
          'endpoint.json',
          'master.key',
          'openmi.db',
          'openmi.db-shm',
          'openmi.db-wal',
          'server-key.sealed',
          'server.lock',
          'server.pem',
        ]) {
          assert.ok(names.includes(f), `${f} exists (have ${names.join(', ')})`);
        }
        assert.deepEqual(open(dataDir), []);
        assert.equal(lstatSync(dataDir).mode & 0o777, 0o700);
      } finally {
        await t.stop();
      }
      assert.deepEqual(open(dataDir), [], 'and after a clean stop');
    });

    it('narrows what an older openmi left open, and logs each path', async () => {
      const dataDir = join(root, 'older');
      await (await startTestServer({ dataDir })).stop();
      // master.key stays 0600: its loader refuses a loose key instead (kernel/sealing.test.ts).
      loosen(dataDir, ['master.key']);
      assert.ok(open(dataDir).length >= 8);
      const { log, lines } = capture();
      const t = await startTestServer({ dataDir, log });
      try {
        assert.deepEqual(open(dataDir), []);
        const line = lines.find((l) => /narrowed \d+ data-dir path/.test(String(l['msg'])));
        assert.ok(line, JSON.stringify(lines));
        assert.ok((line['paths'] as string[]).includes(join(dataDir, 'openmi.db')));
        assert.ok((line['paths'] as string[]).includes(dataDir));
      } finally {
        await t.stop();
      }
    });

    it("the agent's state dir (its private key in the clear): created owner-only, narrowed on the next start", async () => {
      const srv = await TestAgentServer.start();
      const stateDir = join(root, 'agent', 'state');
      const base = { serverUrl: srv.url, ca: srv.ca, listenHost: '127.0.0.1', listenPort: 0, stateDir };
      try {
        await (
          await startAgent({ ...base, joinToken: 'jt.secret', log: createLogger('silent') })
        ).close({ leave: false });
        assert.deepEqual(open(join(root, 'agent')), []);
        loosen(stateDir);
        assert.equal(open(stateDir).length, 2);
        const { log, lines } = capture();
        await (await startAgent({ ...base, log })).close({ leave: false });
        assert.deepEqual(open(stateDir), []);
        assert.ok(
          lines.some((l) => /narrowed 2 agent state path/.test(String(l['msg']))),
          JSON.stringify(lines),
        );
      } finally {
        await srv.close();
      }
    });
  },
);
