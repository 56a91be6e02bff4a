/**
 * One minting measurement per process (the runner chooses the CPUs with taskset):
 *
 *   node dist/bench/mint-child.js <fixture.json> <sign|signer|issue|pool> <workers> <ms> [warmupMs]
 *
 * The loop always runs on the main thread, as the server's request handling does; `workers` is
 * the SigningPool size for `pool` (ignored otherwise). Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import type { FixtureSpec } from './fixture.js';
import { MINT_CASES, prepareOp, runLoop, type LoopResult, type MintCase } from './mint-loops.js';

export interface MintChildResult {
  which: MintCase;
  /** Signing workers (0: signed on the main thread). */
  workers: number;
  inFlight: number;
  opsPerSec: number;
  /** Process CPU time (all threads) over the loop's wall time; well under `workers` + main thread's share means other processes took cores. */
  coresBusy: number;
  loop: LoopResult;
}

async function main(): Promise<void> {
  const [specPath, whichArg, workersArg, msArg, warmupArg] = process.argv.slice(2);
  const which = whichArg as MintCase;
  if (specPath === undefined || !MINT_CASES.includes(which))
    throw new Error('usage: mint-child.js <fixture.json> <sign|signer|issue|pool> <workers> <ms> [warmupMs]');
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as FixtureSpec;
  const workers = which === 'pool' ? Number(workersArg ?? 1) : 0;
  const ms = Number(msArg ?? 2000);
  const warmupMs = Number(warmupArg ?? 300);
  const prepared = await prepareOp(spec, which, workers);
  try {
    // The warm-up also starts the pool's workers and hands them the signing key.
    await runLoop(prepared, warmupMs);
    const cpu0 = process.cpuUsage();
    const loop = await runLoop(prepared, ms);
    const cpu = process.cpuUsage(cpu0);
    const coresBusy = (cpu.user + cpu.system) / 1000 / loop.elapsedMs;
    const out: MintChildResult = {
      which,
      workers,
      inFlight: prepared.inFlight,
      opsPerSec: (loop.ops * 1000) / loop.elapsedMs,
      coresBusy,
      loop,
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await prepared.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
