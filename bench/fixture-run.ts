/**
 * The fixture cases (G1–G7 of docs/performance.md): the product's parts in bench processes over a
 * fixture key ring, without the CLI, TLS or the store. They explain a gap the real processes
 * show: e.g. the metadata server alone against the whole `openmi run` agent, or how much of a
 * mint is the signature.
 */
import { execFile } from 'node:child_process';
import { verify } from 'node:crypto';
import { IMDS_TOKEN_PATH } from '../src/agent/imds-fast-path.js';
import { benchScript, cpuSeconds, startServer, stopServer } from './child-servers.js';
import { BENCH_CLIENT_ID, BENCH_RESOURCE, openIssuer, type FixtureSpec } from './fixture.js';
import { goal, type Goal } from './goals.js';
import { runLoad, type LoadGenName, type LoadResult } from './loadgen.js';
import type { MintChildResult } from './mint-child.js';
import { POOL_IN_FLIGHT, type MintCase } from './mint-loops.js';
import { BOTH_CPUS, getText, LOAD_CPU, SERVER_CPU } from './real-lab.js';
import { fmt, fmtSpread, spread, table, type Spread } from './stats.js';
import type { G7Report } from './verify.js';

export const FIXTURE_GROUPS = ['g1', 'g3', 'g4', 'g6', 'g7'] as const;

export interface FixtureOptions {
  only: Set<string>;
  loadgen: LoadGenName;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  mintMs: number;
  /** Node flags for the fixture IMDS server (e.g. --cpu-prof). */
  nodeFlags: string[];
}

const IMDS_URL_PATH = `${IMDS_TOKEN_PATH}?api-version=2018-02-01&resource=${encodeURIComponent(BENCH_RESOURCE)}&client_id=${BENCH_CLIENT_ID}`;
const IMDS_HEADERS = { Metadata: 'true' };

type HttpCase = 'bare' | 'imds' | 'imds-signins';

export interface Probe {
  bodyBytes: number;
  tokenBytes: number;
}

export interface FixtureRound {
  http: HttpRun[];
  mint: MintChildResult[];
  workers: MintChildResult[];
}

interface HttpRun extends LoadResult {
  case: HttpCase;
  /** Server CPU time (user + system) per answered request: steadier than req/s when neighbours steal time. */
  cpuUsPerReq: number;
}

function mintChild(
  fixturePath: string,
  which: MintCase,
  workers: number,
  ms: number,
  cpusArg: string,
): Promise<MintChildResult> {
  const args = [
    '-c',
    cpusArg,
    process.execPath,
    benchScript('./mint-child.js'),
    fixturePath,
    which,
    String(workers),
    String(ms),
  ];
  return new Promise((resolveRun, rejectRun) => {
    execFile('taskset', args, { timeout: ms + 120_000 }, (err, stdout, stderr) => {
      if (err) rejectRun(new Error(`mint-child ${which} ×${workers} failed: ${err.message}\n${stderr}`));
      else resolveRun(JSON.parse(stdout) as MintChildResult);
    });
  });
}

/** Starts the fixture IMDS server once: checks it answers a real, verifiable RS256 JWT and measures the body. */
export async function probeImds(fixturePath: string, spec: FixtureSpec): Promise<Probe> {
  const server = await startServer('./http-server.js', ['imds', fixturePath], SERVER_CPU);
  try {
    const { status, body } = await getText(`http://127.0.0.1:${server.port}${IMDS_URL_PATH}`, IMDS_HEADERS);
    if (status !== 200) throw new Error(`the IMDS server answered ${status}: ${body}`);
    const token = (JSON.parse(body) as { access_token: string }).access_token;
    const [h, p, sig] = token.split('.');
    const header = JSON.parse(Buffer.from(h!, 'base64url').toString()) as { alg: string; kid: string };
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const { ring } = await openIssuer(spec);
    const key = ring.publicKey(header.kid);
    const valid =
      key !== undefined &&
      header.alg === 'RS256' &&
      verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(sig!, 'base64url'));
    if (!valid || claims['aud'] !== BENCH_RESOURCE || claims['appid'] !== BENCH_CLIENT_ID) {
      throw new Error(
        `the cached token is not a valid RS256 JWT for ${BENCH_RESOURCE}: ${JSON.stringify({ header, claims })}`,
      );
    }
    return { bodyBytes: Buffer.byteLength(body), tokenBytes: token.length };
  } finally {
    await stopServer(server);
  }
}

async function httpRun(o: FixtureOptions, which: HttpCase, fixturePath: string, bodyBytes: number): Promise<HttpRun> {
  const flags = which === 'imds' ? o.nodeFlags : [];
  const server = await startServer(
    './http-server.js',
    which === 'bare' ? ['bare', String(bodyBytes)] : [which, fixturePath],
    SERVER_CPU,
    flags,
  );
  try {
    const url = `http://127.0.0.1:${server.port}${which === 'bare' ? '/' : IMDS_URL_PATH}`;
    const load = { url, headers: which === 'bare' ? {} : IMDS_HEADERS, connections: o.connections, cpu: LOAD_CPU };
    await runLoad(o.loadgen, { ...load, seconds: o.warmupSeconds });
    const cpu0 = cpuSeconds(server.child.pid);
    const result = await runLoad(o.loadgen, { ...load, seconds: o.seconds });
    const cpuUsPerReq = ((cpuSeconds(server.child.pid) - cpu0) * 1e6) / result.requests;
    return { case: which, ...result, cpuUsPerReq };
  } finally {
    await stopServer(server);
  }
}

const rotate = <T>(items: readonly T[], by: number): T[] => items.map((_, i) => items[(i + by) % items.length]!);

export async function runFixtureRound(
  o: FixtureOptions,
  fixturePath: string,
  probe: Probe | undefined,
  r: number,
): Promise<FixtureRound> {
  const round: FixtureRound = { http: [], mint: [], workers: [] };
  if (probe !== undefined) {
    const cases: HttpCase[] = o.only.has('g3') ? ['bare', 'imds', 'imds-signins'] : ['bare', 'imds'];
    for (const which of rotate<HttpCase>(cases, r))
      round.http.push(await httpRun(o, which, fixturePath, probe.bodyBytes));
  }
  if (o.only.has('g4')) {
    for (const which of rotate<MintCase>(['sign', 'signer', 'issue'], r))
      round.mint.push(await mintChild(fixturePath, which, 0, o.mintMs, SERVER_CPU));
  }
  if (o.only.has('g6')) {
    for (const n of rotate([1, 2], r)) round.workers.push(await mintChild(fixturePath, 'pool', n, o.mintMs, BOTH_CPUS));
  }
  return round;
}

export function fixtureRoundLine(r: FixtureRound): string[] {
  const parts: string[] = [];
  for (const h of r.http)
    parts.push(
      `fixture ${h.case} ${fmt(h.rps)} req/s p99 ${fmt(h.p99Ms, 1)} ms ${fmt(h.cpuUsPerReq, 1)} µs CPU/req${h.failures > 0 ? ` (${h.failures} FAILED)` : ''}`,
    );
  for (const m of r.mint) parts.push(`${m.which} ${fmt(m.opsPerSec)}/s`);
  for (const w of r.workers) parts.push(`pool ${w.workers}w ${fmt(w.opsPerSec)}/s on ${fmt(w.coresBusy, 2)} cores`);
  return parts;
}

export interface FixtureReport {
  lines: string[];
  goals: Goal[];
  cases: Record<string, Record<string, Spread>>;
}

function httpSection(o: FixtureOptions, rounds: FixtureRound[], probe: Probe, rep: FixtureReport): void {
  const httpOf = (r: FixtureRound, c: HttpCase) => r.http.find((h) => h.case === c && h.failures === 0);
  const failed = rounds.flatMap((r) => r.http).filter((h) => h.failures > 0);
  const rows = [['case', 'req/s median [min–max]', 'p50 ms', 'p99 ms median [min–max]', 'server CPU µs/req']];
  const labelled = [
    ['bare', 'bare node:http GET / (same body size)'],
    ['imds', 'IMDS token, TokenCache hit'],
    ['imds-signins', 'IMDS token, cache hit + sign-in row'],
  ] as const;
  for (const [c, label] of labelled.filter(([c]) => rounds.some((r) => httpOf(r, c)))) {
    const runs = rounds.map((r) => httpOf(r, c)).filter((h): h is HttpRun => h !== undefined);
    const [rps, p50, p99, cpu] = [
      runs.map((h) => h.rps),
      runs.map((h) => h.p50Ms),
      runs.map((h) => h.p99Ms),
      runs.map((h) => h.cpuUsPerReq),
    ].map(spread) as [Spread, Spread, Spread, Spread];
    rep.cases[`fixture_${c}`] = { rps, p50Ms: p50, p99Ms: p99, cpuUsPerReq: cpu };
    rows.push([label, fmtSpread(rps), fmt(p50.median, 2), fmtSpread(p99, 2), fmtSpread(cpu, 1)]);
  }
  rep.lines.push(
    '',
    `G1/G2 fixture metadata server (bench/http-server.js, no agent runtime): server on CPU ${SERVER_CPU}, ${o.loadgen} on CPU ${LOAD_CPU}, c=${o.connections}; body ${probe.bodyBytes} B, JWT ${probe.tokenBytes} chars`,
  );
  rep.lines.push(table(rows));
  if (failed.length > 0)
    rep.lines.push(`WARNING: ${failed.length} runs had non-2xx answers or socket errors and were left out`);
  const pairs = rounds
    .map((r) => [httpOf(r, 'imds'), httpOf(r, 'bare')] as const)
    .filter(([a, b]) => a !== undefined && b !== undefined);
  rep.goals.push(
    goal(
      'G1',
      'fixture IMDS hit / bare node:http req/s',
      pairs.map(([a, b]) => a!.rps / b!.rps),
      0.8,
      'min',
      'stretch 0.90',
    ),
  );
  rep.goals.push(
    goal(
      'G1cpu',
      'G1 by server CPU µs/req (bare / IMDS)',
      pairs.map(([a, b]) => b!.cpuUsPerReq / a!.cpuUsPerReq),
      0.8,
      'min',
    ),
  );
  rep.goals.push(
    goal(
      'G2',
      'fixture IMDS p99 / bare node:http p99',
      pairs.map(([a, b]) => a!.p99Ms / b!.p99Ms),
      2,
      'max',
    ),
  );
  const logged = rounds
    .map((r) => [httpOf(r, 'imds-signins'), httpOf(r, 'imds')] as const)
    .filter(([a, b]) => a !== undefined && b !== undefined);
  if (logged.length > 0)
    rep.goals.push(
      goal(
        'G3',
        'fixture IMDS with sign-in logging / without',
        logged.map(([a, b]) => a!.rps / b!.rps),
        0.8,
        'min',
      ),
    );
}

function mintSection(o: FixtureOptions, rounds: FixtureRound[], rep: FixtureReport): void {
  const mintOf = (r: FixtureRound, c: MintCase) => r.mint.find((m) => m.which === c);
  const rows = [['case (one core, one at a time)', 'ops/s median [min–max]', 'µs/op']];
  const labels = {
    sign: 'bare crypto.sign RS256, 600 B payload',
    signer: 'JwtSigner.sign (claims → JWT)',
    issue: 'TokenIssuer.issueAsync, no pool (MI claims → JWT)',
  };
  for (const c of ['sign', 'signer', 'issue'] as const) {
    const s = spread(rounds.map((r) => mintOf(r, c)?.opsPerSec ?? Number.NaN));
    rep.cases[`mint_${c}`] = { opsPerSec: s };
    rows.push([labels[c], fmtSpread(s), fmt(1e6 / s.median)]);
  }
  rep.lines.push('', `G4/G5 minting: one process on CPU ${SERVER_CPU}, ${o.mintMs} ms per case`, table(rows));
  const ratio = (c: MintCase) =>
    rounds.map((r) => (mintOf(r, c)?.opsPerSec ?? Number.NaN) / (mintOf(r, 'sign')?.opsPerSec ?? Number.NaN));
  rep.goals.push(goal('G4', 'TokenIssuer.issueAsync (no pool) / bare crypto.sign', ratio('issue'), 0.75, 'min'));
  rep.goals.push(goal('G5', 'JwtSigner.sign / bare crypto.sign', ratio('signer'), 0.95, 'min'));
}

function poolSection(o: FixtureOptions, rounds: FixtureRound[], rep: FixtureReport): void {
  const workersOf = (r: FixtureRound, n: number) => r.workers.find((w) => w.workers === n);
  const rows = [['case (TokenIssuer.issueAsync)', 'total mints/s median [min–max]', 'cores busy median [min–max]']];
  for (const n of [1, 2]) {
    const s = spread(rounds.map((r) => workersOf(r, n)?.opsPerSec ?? Number.NaN));
    const busy = spread(rounds.map((r) => workersOf(r, n)?.coresBusy ?? Number.NaN));
    rep.cases[`pool_${n}`] = { opsPerSec: s, coresBusy: busy };
    rows.push([`SigningPool of ${n} worker${n === 1 ? '' : 's'}`, fmtSpread(s), fmtSpread(busy, 2)]);
  }
  rep.lines.push(
    '',
    `G6 minting as the server does (signingWorkers 1 vs 2): one process on CPUs ${BOTH_CPUS}, ${POOL_IN_FLIGHT} mints in flight, ${o.mintMs} ms per case`,
    table(rows),
  );
  rep.goals.push(
    goal(
      'G6',
      'mints/s pool of 2 / pool of 1',
      rounds.map((r) => (workersOf(r, 2)?.opsPerSec ?? Number.NaN) / (workersOf(r, 1)?.opsPerSec ?? Number.NaN)),
      1.7,
      'min',
    ),
  );
  rep.lines.push(
    '(the main thread builds claims, the workers sign; cores busy = CPU time of all threads over wall time, so 2 workers well under 2 means other processes held a core)',
  );
}

export function fixtureReport(
  o: FixtureOptions,
  rounds: FixtureRound[],
  probe: Probe | undefined,
  g7: G7Report | undefined,
): FixtureReport {
  const rep: FixtureReport = { lines: [], goals: [], cases: {} };
  if (probe !== undefined) httpSection(o, rounds, probe, rep);
  if (rounds.some((r) => r.mint.length > 0)) mintSection(o, rounds, rep);
  if (rounds.some((r) => r.workers.length > 0)) poolSection(o, rounds, rep);
  if (g7 !== undefined) {
    rep.lines.push(...g7.lines);
    Object.assign(rep.cases, g7.cases);
    rep.goals.push(
      goal(
        'G7',
        'DataPlaneAuthenticator.authenticate / raw crypto.verify + claims',
        g7.ratios,
        0.8,
        'min',
        `jose jwtVerify ${fmt(spread(g7.joseRatios).median, 2)}×, reference`,
      ),
    );
  }
  return rep;
}
