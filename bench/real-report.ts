/** The real-process section of the report: one row per case, then each goal as a per-round ratio. */
import { goal, type Goal } from './goals.js';
import { CASES, type CaseRun, type RealCase } from './real-cases.js';
import { fmt, fmtSpread, spread, table, type Spread } from './stats.js';

export type RealRound = CaseRun[];

export interface RealReport {
  lines: string[];
  goals: Goal[];
  cases: Record<string, Record<string, Spread>>;
}

const ok = (round: RealRound, c: RealCase) => round.find((r) => r.case === c && r.failures === 0);

/** Per round: `value(a) / value(b)` when both ran cleanly. */
function ratios(
  rounds: readonly RealRound[],
  a: RealCase,
  b: RealCase,
  value: (r: CaseRun) => number = (r) => r.rps,
): number[] {
  return rounds.flatMap((round) => {
    const x = ok(round, a);
    const y = ok(round, b);
    return x !== undefined && y !== undefined ? [value(x) / value(y)] : [];
  });
}

function caseRows(rounds: readonly RealRound[], report: RealReport): string[][] {
  const rows = [['case', 'req/s median [min–max]', 'p50 ms', 'p99 ms median [min–max]', 'CPU µs/req']];
  for (const c of Object.keys(CASES) as RealCase[]) {
    const runs = rounds.map((r) => ok(r, c)).filter((r): r is CaseRun => r !== undefined);
    if (runs.length === 0) continue;
    const rps = spread(runs.map((r) => r.rps));
    const p50 = spread(runs.map((r) => r.p50Ms));
    const p99 = spread(runs.map((r) => r.p99Ms));
    const cpu = spread(runs.map((r) => r.cpuUsPerReq));
    report.cases[c] = { rps, p50Ms: p50, p99Ms: p99, cpuUsPerReq: cpu };
    rows.push([
      `${c}: ${CASES[c].label}`,
      fmtSpread(rps),
      fmt(p50.median, 2),
      p99.n > 0 ? fmtSpread(p99, 2) : 'n/a',
      fmtSpread(cpu, 0),
    ]);
  }
  return rows;
}

function goals(rounds: readonly RealRound[]): Goal[] {
  const cpuRatio = (r: CaseRun) => 1 / r.cpuUsPerReq;
  const p99 = (r: CaseRun) => r.p99Ms;
  const all = [
    goal('R1', 'IMDS hit, openmi run / bare node:http (req/s)', ratios(rounds, 'run-imds', 'bare-imds'), 0.9, 'min'),
    goal(
      'R1a',
      'IMDS hit, openmi agent / bare node:http (req/s)',
      ratios(rounds, 'agent-imds', 'bare-imds'),
      0.9,
      'min',
    ),
    goal(
      'R1cpu',
      'IMDS hit, openmi run: bare CPU/req ÷ agent CPU/req',
      ratios(rounds, 'run-imds', 'bare-imds', cpuRatio),
      0.9,
      'min',
    ),
    goal(
      'R2',
      'App Service hit, openmi run / bare node:http (req/s)',
      ratios(rounds, 'run-app', 'bare-app'),
      0.9,
      'min',
    ),
    goal(
      'R2a',
      'App Service hit, openmi agent / bare node:http (req/s)',
      ratios(rounds, 'agent-app', 'bare-app'),
      0.9,
      'min',
    ),
    goal(
      'R2cpu',
      'App Service hit, openmi run: bare CPU/req ÷ agent CPU/req',
      ratios(rounds, 'run-app', 'bare-app', cpuRatio),
      0.9,
      'min',
    ),
    goal('R3', 'IMDS hit p99, openmi run / bare node:http', ratios(rounds, 'run-imds', 'bare-imds', p99), 2, 'max'),
    goal('R4', 'client_credentials, openmi serve / oidc-provider (one core)', ratios(rounds, 'cc-1', 'oidc'), 1, 'min'),
    goal(
      'R4cpu',
      'client_credentials: oidc-provider CPU/token ÷ openmi CPU/token',
      ratios(rounds, 'cc-1', 'oidc', cpuRatio),
      1,
      'min',
    ),
    goal(
      'R5',
      'client_credentials, openmi serve / bare crypto.sign (one core)',
      ratios(rounds, 'cc-1', 'sign'),
      0.8,
      'min',
    ),
    goal('R6', 'client_credentials, openmi serve on two cores / one core', ratios(rounds, 'cc-2', 'cc-1'), 1.7, 'min'),
    goal('N1', 'client_credentials, two nodes on one PostgreSQL / one node', ratios(rounds, 'pg-2', 'pg-1'), 0, 'info'),
    goal(
      'R7',
      'IMDS miss (mint through agent) / client_credentials, one server core',
      ratios(rounds, 'miss', 'cc-1'),
      0,
      'info',
    ),
  ];
  return all.filter((g) => g.ratios.n > 0);
}

export function realReport(rounds: readonly RealRound[], header: string): RealReport {
  const report: RealReport = { lines: [], goals: goals(rounds), cases: {} };
  const rows = caseRows(rounds, report);
  const failed = rounds.flat().filter((r) => r.failures > 0);
  report.lines.push('', header, table(rows));
  if (failed.length > 0)
    report.lines.push(
      `WARNING: ${failed.length} runs had failed requests and were left out: ${failed.map((r) => `${r.case} (${r.failures} of ${r.requests + r.failures})`).join(', ')}`,
    );
  return report;
}
