/**
 * One minting measurement per process (the runner chooses the CPUs with taskset):
 *
 *   node dist/bench/mint-child.js <fixture.json> <sign|signer|issue> <workers> <ms> [warmupMs]
 *
 * workers = 0 runs the loop on the main thread; N ≥ 1 runs it in N worker threads started
 * together after each has prepared and warmed up. Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { FixtureSpec } from './fixture.js';
import { MINT_CASES, prepareOp, runLoop, type LoopResult, type MintCase } from './mint-loops.js';

export interface MintChildResult {
  which: MintCase;
  workers: number;
  /** Sum over threads of ops / elapsed. */
  opsPerSec: number;
  /** Process CPU time over the loops' wall time: about `max(1, workers)` unless other processes took cores. */
  coresBusy: number;
  perThread: LoopResult[];
}

function startWorker(spec: FixtureSpec, which: MintCase, ms: number, warmupMs: number): Promise<{ worker: Worker; done: Promise<LoopResult> }> {
  const worker = new Worker(new URL('./mint-worker.js', import.meta.url), { workerData: { spec, which, ms, warmupMs } });
  return new Promise((resolveReady, rejectReady) => {
    let resolveDone: (r: LoopResult) => void;
    let rejectDone: (e: Error) => void;
    const done = new Promise<LoopResult>((res, rej) => {
      resolveDone = res;
      rejectDone = rej;
    });
    done.catch(() => undefined);
    worker.on('message', (m: unknown) => {
      if (m === 'ready') resolveReady({ worker, done });
      else resolveDone(m as LoopResult);
    });
    worker.on('error', (e) => {
      rejectReady(e);
      rejectDone(e);
    });
  });
}

async function main(): Promise<void> {
  const [specPath, whichArg, workersArg, msArg, warmupArg] = process.argv.slice(2);
  const which = whichArg as MintCase;
  if (specPath === undefined || !MINT_CASES.includes(which)) throw new Error('usage: mint-child.js <fixture.json> <sign|signer|issue> <workers> <ms> [warmupMs]');
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as FixtureSpec;
  const workers = Number(workersArg ?? 0);
  const ms = Number(msArg ?? 2000);
  const warmupMs = Number(warmupArg ?? 300);
  let perThread: LoopResult[];
  const started: Array<{ worker: Worker; done: Promise<LoopResult> }> = [];
  let cpu0: NodeJS.CpuUsage;
  let wall0: number;
  if (workers === 0) {
    const op = await prepareOp(spec, which);
    runLoop(op, warmupMs);
    cpu0 = process.cpuUsage();
    wall0 = performance.now();
    perThread = [runLoop(op, ms)];
  } else {
    // One after the other: each opens the SQLite store, and their loops must all start on the same 'go'.
    for (let i = 0; i < workers; i++) started.push(await startWorker(spec, which, ms, warmupMs));
    cpu0 = process.cpuUsage();
    wall0 = performance.now();
    for (const s of started) s.worker.postMessage('go');
    perThread = await Promise.all(started.map((s) => s.done));
  }
  const cpu = process.cpuUsage(cpu0);
  const coresBusy = (cpu.user + cpu.system) / 1000 / (performance.now() - wall0);
  await Promise.all(started.map((s) => s.worker.terminate()));
  const opsPerSec = perThread.reduce((sum, r) => sum + (r.ops * 1000) / r.elapsedMs, 0);
  const out: MintChildResult = { which, workers, opsPerSec, coresBusy, perThread };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
