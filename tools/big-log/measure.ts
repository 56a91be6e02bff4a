/**
 * Issue M: `openmi signins list` and `openmi audit verify` must stream and work on 10 million rows.
 * This fills a real installation's sign-in log with N rows (default 10,000,000) straight through
 * the store, in the same multi-row appends the server's group commit makes, then times both CLI
 * commands against the real `openmi serve` and reports their peak memory. Not a test: it runs for
 * many minutes. CI runs the same commands on 150,000 rows with a 64 MiB heap (src/cli/big-log.test.ts).
 *
 *   node dist/tools/big-log/measure.js [--rows 10000000] [--store sqlite|postgres://…] [--dir DIR]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { signInAppend } from '../../src/server/audit/sign-in-log.js';
import { openStore } from '../../src/store/open-store.js';
import { CLI_MAIN, spawnServe } from '../../test/helpers/serve-child.js';

const BATCH = 5_000;

async function fill(spec: Parameters<typeof openStore>[0], rows: number): Promise<number> {
  const store = await openStore(spec);
  const t0 = performance.now();
  const at = Date.now() - rows;
  try {
    for (let done = 0; done < rows; done += BATCH) {
      const n = Math.min(BATCH, rows - done);
      const batch = Array.from({ length: n }, (_, i) =>
        signInAppend({
          at: at + done + i,
          correlationId: `bulk-${done + i}`,
          flow: 'clientCredentials',
          principalId: null,
          clientId: `app-${(done + i) % 97}`,
          identityResourceId: null,
          callingResourceId: null,
          agentId: null,
          audience: 'https://management.azure.com/',
          result: 'success',
          errorCode: null,
          reason: null,
          latencyMs: 1,
        }),
      );
      await store.tx((tx) => tx.audit.append('signIns', batch));
      if ((done / BATCH) % 200 === 0) process.stderr.write(`  ${done + n} rows…\n`);
    }
  } finally {
    await store.close();
  }
  return (performance.now() - t0) / 1000;
}

interface Timed {
  seconds: number;
  lines: number;
  maxRssMiB: number;
  code: number;
  tail: string;
}

/** The peak resident set so far (VmHWM) of a running process, in KiB; 0 once it is gone. */
function peakKiB(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Runs the CLI counting output lines, sampling its peak memory until it exits. */
function timed(args: string[]): Promise<Timed> {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let peak = 0;
    const sampler = setInterval(() => (peak = Math.max(peak, peakKiB(child.pid!))), 100);
    let lines = 0;
    let tail = '';
    child.stdout.on('data', (c: Buffer) => {
      for (const b of c) if (b === 0x0a) lines++;
      tail = (tail + c.toString('utf8')).slice(-600);
    });
    child.stderr.on('data', (c: Buffer) => (tail = (tail + c.toString('utf8')).slice(-600)));
    child.on('close', (code) => {
      clearInterval(sampler);
      resolve({
        seconds: (performance.now() - t0) / 1000,
        lines,
        maxRssMiB: Math.round(peak / 1024),
        code: code ?? 1,
        tail,
      });
    });
  });
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '10000000' },
      store: { type: 'string', default: 'sqlite' },
      dir: { type: 'string' },
    },
  });
  const rows = Number(values.rows);
  const dir = values.dir ?? mkdtempSync(join(tmpdir(), 'openmi-big-log-'));
  const storeArg = values.store!;
  const log = (l: string) => process.stderr.write(`${l}\n`);
  let serve = await spawnServe(dir, storeArg);
  await serve.stop();
  const spec =
    storeArg === 'sqlite'
      ? { kind: 'sqlite' as const, path: join(dir, 'openmi.db') }
      : { kind: 'postgres' as const, url: storeArg };
  log(`filling ${rows} sign-in rows (${storeArg === 'sqlite' ? 'SQLite' : 'PostgreSQL'})…`);
  const fillS = await fill(spec, rows);
  log(`filled in ${fillS.toFixed(0)} s (${Math.round(rows / fillS)} rows/s)`);
  serve = await spawnServe(dir, storeArg);
  try {
    const list = await timed(['signins', 'list', '--data-dir', dir, '--jsonl']);
    const verify = await timed(['audit', 'verify', '--data-dir', dir]);
    process.stdout.write(
      `${JSON.stringify({ rows, store: spec.kind, fillSeconds: Math.round(fillS), list, verify }, null, 2)}\n`,
    );
  } finally {
    await serve.stop();
    if (values.dir === undefined && spec.kind === 'sqlite') rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`big-log failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
