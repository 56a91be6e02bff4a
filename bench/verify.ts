/** G7 for the runner: spawns verify-child on one core and turns its rounds into a report section. */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fmt, fmtSpread, spread, table, type Spread } from './stats.js';
import type { VerifyChildResult } from './verify-child.js';
import type { VerifyCase } from './verify-loops.js';

export interface G7Report {
  lines: string[];
  /** Per-round product / raw ratios (the G7 goal). */
  ratios: number[];
  joseRatios: number[];
  cases: Record<string, Record<string, Spread>>;
}

export function runG7(
  fixturePath: string,
  rounds: number,
  ms: number,
  cpu: string,
  log: (line: string) => void,
): Promise<VerifyChildResult> {
  const child = fileURLToPath(new URL('./verify-child.js', import.meta.url));
  const args = ['-c', cpu, process.execPath, child, fixturePath, String(rounds), String(ms)];
  return new Promise((resolveRun, rejectRun) => {
    execFile('taskset', args, { timeout: rounds * 3 * ms + 120_000 }, (err, stdout, stderr) => {
      if (stderr) log(stderr.trimEnd());
      if (err) rejectRun(new Error(`verify-child failed: ${err.message}\n${stderr}`));
      else resolveRun(JSON.parse(stdout) as VerifyChildResult);
    });
  });
}

export function g7Report(r: VerifyChildResult, ms: number, cpu: string): G7Report {
  const labels: Record<VerifyCase, string> = {
    raw: 'raw crypto.verify RS256 + claim checks (baseline)',
    product: 'DataPlaneAuthenticator.authenticate (TokenVerifier + revocation lookup)',
    jose: 'jose jwtVerify + tid (reference, not a goal)',
  };
  const rows = [['case (one core, one at a time)', 'verifies/s median [min–max]', 'µs/op', '× raw median [min–max]']];
  const cases: G7Report['cases'] = {};
  const ratio = (c: VerifyCase) => r.rounds.map((x) => x[c] / x.raw);
  for (const c of ['raw', 'product', 'jose'] as const) {
    const s = spread(r.rounds.map((x) => x[c]));
    cases[`verify_${c}`] = { opsPerSec: s, ratioToRaw: spread(ratio(c)) };
    rows.push([labels[c], fmtSpread(s), fmt(1e6 / s.median, 1), c === 'raw' ? '1' : fmtSpread(spread(ratio(c)), 2)]);
  }
  const lines = [
    '',
    `G7 token validation: one process on CPU ${cpu}, ${r.rounds.length} interleaved rounds, ${ms} ms per case, pool of ${r.poolSize} TokenIssuer tokens (${r.tokenChars} chars)`,
    table(rows),
  ];
  return { lines, ratios: ratio('product'), joseRatios: ratio('jose'), cases };
}
