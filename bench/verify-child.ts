/**
 * G7: every token-validation round in one process (the runner pins it to one core with taskset):
 *
 *   node dist/bench/verify-child.js <fixture.json> <rounds> <ms> [warmupMs]
 *
 * Each round runs every case once for `ms`, the order rotating per round. Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import type { FixtureSpec } from './fixture.js';
import { prepareVerify, runVerifyLoop, TOKEN_POOL_SIZE, VERIFY_CASES, type VerifyCase } from './verify-loops.js';

export interface VerifyChildResult {
  poolSize: number;
  tokenChars: number;
  /** rounds[i][case] = verifications per second. */
  rounds: Record<VerifyCase, number>[];
}

async function main(): Promise<void> {
  const [specPath, roundsArg, msArg, warmupArg] = process.argv.slice(2);
  if (specPath === undefined) throw new Error('usage: verify-child.js <fixture.json> <rounds> <ms> [warmupMs]');
  const spec = JSON.parse(readFileSync(specPath, 'utf8')) as FixtureSpec;
  const rounds = Number(roundsArg ?? 5);
  const ms = Number(msArg ?? 2000);
  const warmupMs = Number(warmupArg ?? 300);
  const bench = await prepareVerify(spec);
  try {
    for (const c of VERIFY_CASES) await runVerifyLoop(bench.ops[c], bench.tokens, warmupMs);
    const out: VerifyChildResult = { poolSize: TOKEN_POOL_SIZE, tokenChars: bench.tokens[0]!.length, rounds: [] };
    for (let r = 0; r < rounds; r++) {
      const row = {} as Record<VerifyCase, number>;
      for (let k = 0; k < VERIFY_CASES.length; k++) {
        const c = VERIFY_CASES[(k + r) % VERIFY_CASES.length]!;
        const loop = await runVerifyLoop(bench.ops[c], bench.tokens, ms);
        row[c] = (loop.ops * 1000) / loop.elapsedMs;
      }
      out.rounds.push(row);
      process.stderr.write(
        `g7 round ${r + 1}/${rounds}: ${VERIFY_CASES.map((c) => `${c} ${Math.round(row[c])}/s`).join(', ')}\n`,
      );
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    await bench.close();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
