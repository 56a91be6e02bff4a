/**
 * `npm run bench`: the performance goals of docs/performance.md as ratios to baselines measured in
 * the same run. The real-process cases run the product as it ships: `openmi serve`, and the agent
 * as `openmi agent` and `openmi run` start it, each a child of dist/src/cli/main.js. Each round
 * runs every case once (the order rotates from round to round), so the machine's noise hits both
 * sides of a ratio alike. Reports, never fails: the exit code is 0 whatever the verdicts (1 only
 * when the harness itself breaks).
 *
 *   npm run bench -- [--rounds 5] [--seconds 3] [--mint-ms 2000] [--only imds,app,cc,cores,miss,arm,signins,nodes,g1,g3,g4,g6,g7,rbac,usage]
 *                    [--loadgen wrk|autocannon] [--connections 50] [--json FILE|-] [--cpu-prof DIR] [--signin-seconds 60]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createFixture } from './fixture.js';
import {
  FIXTURE_GROUPS,
  fixtureReport,
  fixtureRoundLine,
  probeImds,
  runFixtureRound,
  type FixtureOptions,
  type FixtureRound,
  type Probe,
} from './fixture-run.js';
import { goalTable, type Goal } from './goals.js';
import { autocannonPath, wrkOnPath, type LoadGenName } from './loadgen.js';
import { formatRbacReport, runRbacBench } from './rbac.js';
import { formatUsageReport, runUsageBench } from './usage.js';
import { casesOf, runCase, TOKEN_CONNECTIONS, type CaseOptions, type RealCase } from './real-cases.js';
import { GROUPS, LOAD_CPU, openLab, PG_GROUPS, SERVER_CPU, type Group, type Lab } from './real-lab.js';
import { pgNodesUnavailable } from './real-nodes.js';
import { realReport, type RealRound } from './real-report.js';
import { formatSignInRate, runSignInRate, type SignInRateReport } from './signin-rate.js';
import { fmt, type Spread } from './stats.js';
import { g7Report, runG7, type G7Report } from './verify.js';

const WARMUP_SECONDS = 1;
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Options extends CaseOptions, FixtureOptions {
  rounds: number;
  groups: Set<Group>;
  loadgenWhy: string;
  json: string | undefined;
  cpuProf: string | undefined;
  signinSeconds: number;
}

const HELP = `npm run bench -- [--rounds 5] [--seconds 3] [--mint-ms 2000] [--only GROUP,…] [--loadgen wrk|autocannon]
                 [--connections 50] [--json FILE|-] [--cpu-prof DIR]
Real processes (default: all of them, nodes only when PostgreSQL is reachable):
  imds: cached IMDS answers of openmi run's and openmi agent's agent vs bare node:http (R1, R3)
  app: the same for App Service answers (R2)
  cc: client_credentials on openmi serve (one core) vs oidc-provider and a bare crypto.sign loop (R4, R5)
  cores: client_credentials on openmi serve with two cores vs one (R6)
  miss: IMDS cache misses, each a mint through the agent and the server (R7)
  arm: an ARM read and an ARM write on openmi serve
  signins: the openmi run agent's cached answers at full rate for --signin-seconds (60), then the
    sign-in log must count exactly the answers served (runs once, after the rounds; ~2.5 min)
  nodes: client_credentials on two openmi serve nodes on one PostgreSQL (CPU 0 and CPU 1) vs one node
    (needs PostgreSQL at OPENMI_TEST_PG_URL; in the default set only when it is reachable)
Fixture cases (explain gaps; not run by default):
  g1: the metadata server alone (bench/http-server.js) vs bare node:http; g3: with a sign-in row per answer
  g4: TokenIssuer / JwtSigner vs crypto.sign; g6: SigningPool of 2 workers vs 1; g7: token validation
  rbac: RbacAuthorizer.check latency over 1,000,000 role assignments (~1 min to load, runs once)
  usage: RbacAuthorizer.check with permission-usage recording vs without, CPU per check, --rounds
    interleaved rounds over 100,000 role assignments (U1; ~10 s to load)
--cpu-prof DIR: run openmi serve and the agents (and g1's server) under node --cpu-prof, profiles
  written to DIR when they stop; profiling slows them, so ratios of that run are not meaningful.
`;

function chooseLoadgen(asked: string | undefined): { loadgen: LoadGenName; loadgenWhy: string } {
  const wrk = wrkOnPath();
  if (asked === undefined)
    return wrk
      ? { loadgen: 'wrk', loadgenWhy: 'wrk is on PATH' }
      : { loadgen: 'autocannon', loadgenWhy: 'wrk is not on PATH (apt-get install wrk for honest ceilings)' };
  if (asked !== 'wrk' && asked !== 'autocannon') throw new Error(`--loadgen must be wrk or autocannon, got ${asked}`);
  if (asked === 'wrk' && !wrk) throw new Error('--loadgen wrk: wrk is not on PATH');
  return { loadgen: asked, loadgenWhy: 'chosen with --loadgen' };
}

async function options(): Promise<Options> {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      seconds: { type: 'string', default: '3' },
      'mint-ms': { type: 'string', default: '2000' },
      connections: { type: 'string', default: '50' },
      only: { type: 'string' },
      loadgen: { type: 'string' },
      json: { type: 'string' },
      'cpu-prof': { type: 'string' },
      'signin-seconds': { type: 'string', default: '60' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(HELP);
    process.exit(0);
  }
  const positive = (name: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${v}`);
    return n;
  };
  const only = new Set(
    (values.only ?? (await defaultGroups()).join(',')).split(',').map((s) => s.trim().toLowerCase()),
  );
  const known = new Set<string>([...GROUPS, ...PG_GROUPS, ...FIXTURE_GROUPS, ...APART]);
  const unknown = [...only].filter((g) => !known.has(g));
  if (unknown.length > 0) throw new Error(`--only: unknown ${unknown.join(', ')} (known: ${[...known].join(', ')})`);
  const cpuProf = values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']);
  return {
    rounds: Math.round(positive('rounds', values.rounds)),
    seconds: Math.max(1, Math.round(positive('seconds', values.seconds))),
    warmupSeconds: WARMUP_SECONDS,
    mintMs: positive('mint-ms', values['mint-ms']),
    connections: Math.round(positive('connections', values.connections)),
    only,
    groups: new Set([...GROUPS, ...PG_GROUPS].filter((g) => only.has(g))),
    ...chooseLoadgen(values.loadgen),
    json: values.json,
    signinSeconds: positive('signin-seconds', values['signin-seconds']),
    cpuProf,
    nodeFlags: cpuProf === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`],
  };
}

/** Every real-process group; `nodes` only when PostgreSQL answers (it needs a database). */
async function defaultGroups(): Promise<readonly Group[]> {
  const why = await pgNodesUnavailable();
  if (why === undefined) return [...GROUPS, ...PG_GROUPS];
  log(`leaving out the nodes group: ${why}`);
  return GROUPS;
}

/** In-process cases that run once, apart from the rounds of the others. */
const APART = ['rbac', 'usage'];

const rotate = <T>(items: readonly T[], by: number): T[] => items.map((_, i) => items[(i + by) % items.length]!);

interface Results {
  real: RealRound[];
  fixture: FixtureRound[];
  probe?: Probe;
  g7?: G7Report;
  signIns?: SignInRateReport;
}

async function runRounds(o: Options, dir: string, lab: Lab | undefined, results: Results): Promise<void> {
  const fixturePath = join(dir, 'fixture.json');
  const fixtureWanted = FIXTURE_GROUPS.some((g) => o.only.has(g));
  if (fixtureWanted) {
    log('creating the key ring fixture (RSA key generation)…');
    const spec = await createFixture(dir);
    writeFileSync(fixturePath, JSON.stringify(spec), { mode: 0o600 });
    if (o.only.has('g1') || o.only.has('g3')) results.probe = await probeImds(fixturePath, spec);
  }
  const cases = casesOf(o.groups);
  for (let r = 0; r < o.rounds; r++) {
    const round: RealRound = [];
    for (const c of rotate<RealCase>(cases, r)) round.push(await runCase(lab!, c, o));
    results.real.push(round);
    const fixture = fixtureWanted ? await runFixtureRound(o, fixturePath, results.probe, r) : undefined;
    if (fixture !== undefined) results.fixture.push(fixture);
    const parts = round.map(
      (c) =>
        `${c.case} ${fmt(c.rps)}/s ${fmt(c.cpuUsPerReq, 0)} µs CPU${c.failures > 0 ? ` (${c.failures} FAILED)` : ''}`,
    );
    log(`round ${r + 1}/${o.rounds}: ${[...parts, ...(fixture ? fixtureRoundLine(fixture) : [])].join(', ')}`);
  }
  if (o.only.has('g7'))
    results.g7 = g7Report(await runG7(fixturePath, o.rounds, o.mintMs, SERVER_CPU, log), o.mintMs, SERVER_CPU);
}

async function main(): Promise<void> {
  const o = await options();
  // rbac is an absolute latency goal, not a ratio to a baseline: it runs once, apart from the rounds;
  // usage's ratio is of two in-process cases, so it takes its rounds apart too.
  if (o.only.has('rbac')) process.stdout.write(`${formatRbacReport(await runRbacBench(undefined, log))}\n\n`);
  if (o.only.has('usage'))
    process.stdout.write(`${formatUsageReport(await runUsageBench(o.rounds, undefined, log))}\n\n`);
  if ([...o.only].every((g) => APART.includes(g))) return;
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'openmi-bench-'));
  const results: Results = { real: [], fixture: [] };
  let lab: Lab | undefined;
  try {
    log(
      `openmi bench: ${o.rounds} rounds; HTTP ${o.seconds} s per case (+${WARMUP_SECONDS} s warm-up), c=${o.connections}, ${o.loadgen} (${o.loadgenWhy}); mint loops ${o.mintMs} ms`,
    );
    if (o.groups.size > 0) lab = await openLab({ groups: o.groups, nodeFlags: o.nodeFlags, log }, dir);
    await runRounds(o, dir, lab, results);
    if (lab !== undefined && o.groups.has('signins'))
      results.signIns = await runSignInRate(lab, { ...o, seconds: o.signinSeconds }, log);
  } finally {
    await lab?.close();
    rmSync(dir, { recursive: true, force: true });
  }
  report(o, results, (performance.now() - t0) / 1000);
}

function report(o: Options, results: Results, elapsedS: number): void {
  const out: string[] = [
    `openmi bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; ${o.rounds} rounds, interleaved (order rotates per round)`,
  ];
  const goals: Goal[] = [];
  const cases: Record<string, Record<string, Spread>> = {};
  if (results.real.length > 0 && results.real[0]!.length > 0) {
    const header = [
      `Real processes (dist/src/cli/main.js): process under test on CPU ${SERVER_CPU}, load on CPU ${LOAD_CPU} (with openmi serve while an agent answers from its cache), ${o.seconds} s per case after ${WARMUP_SECONDS} s warm-up.`,
      `Cache hits: ${o.loadgen}, c=${o.connections}. Tokens and ARM: ${o.loadgen === 'wrk' ? 'wrk (one TLS handshake per connection in each run)' : 'bench/node-load.js, keep-alive connections kept from the warm-up'}, c=${TOKEN_CONNECTIONS}; misses and the nodes group: bench/node-load.js.`,
      `crypto.sign loop ${o.mintMs} ms. CPU µs/req: CPU time of the process under test (all its threads) per answer; steadier than req/s on a shared machine.`,
    ].join('\n');
    const real = realReport(results.real, header);
    out.push(...real.lines);
    goals.push(...real.goals);
    Object.assign(cases, real.cases);
  }
  const fixture = fixtureReport(o, results.fixture, results.probe, results.g7);
  out.push(...fixture.lines);
  goals.push(...fixture.goals);
  Object.assign(cases, fixture.cases);
  if (results.signIns !== undefined) out.push('', formatSignInRate(results.signIns));
  out.push('', `Summary: per-round ratios (target over baseline, same round), n=${o.rounds}`, goalTable(goals));
  out.push('', `${fmt(elapsedS)} s in all. Ratios vary; judge a goal by the median of at least 5 rounds.`);
  if (o.loadgen === 'autocannon') {
    out.push(
      'Note: autocannon is a single-core Node client and saturates near a Node server core (docs/performance.md: 0.62× wrk), so cached-answer ratios may read closer to 1 than they are; install wrk for ceilings.',
    );
  }
  if (o.cpuProf !== undefined)
    out.push(
      `CPU profiles are in ${o.cpuProf} (profiling slows the processes: ratios of this run are not meaningful).`,
    );
  process.stdout.write(`${out.join('\n')}\n`);
  if (o.json !== undefined) {
    const settings = {
      rounds: o.rounds,
      seconds: o.seconds,
      mintMs: o.mintMs,
      connections: o.connections,
      loadgen: o.loadgen,
      loadgenPath: o.loadgen === 'autocannon' ? autocannonPath() : 'wrk',
    };
    const doc = {
      node: process.version,
      cpu: cpus()[0]?.model,
      settings,
      body: results.probe,
      goals,
      cases,
      rounds: { real: results.real, fixture: results.fixture },
      signIns: results.signIns,
      elapsedSeconds: elapsedS,
    };
    const text = `${JSON.stringify(doc, null, 2)}\n`;
    if (o.json === '-') process.stdout.write(text);
    else writeFileSync(o.json, text);
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
