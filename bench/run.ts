/**
 * `npm run bench`: the performance goals of docs/performance.md as ratios to baselines measured in the same
 * run. Each round runs every case once, baseline and target back to back (their order alternates
 * from round to round), so the machine's noise hits both sides of a ratio alike. Reports, never
 * fails: the exit code is 0 whatever the verdicts (1 only when the harness itself breaks).
 *
 *   npm run bench -- [--rounds 5] [--seconds 3] [--mint-ms 2000] [--only g1,g3,g4,g6,g7,rbac]
 *                    [--loadgen wrk|autocannon] [--connections 50] [--json FILE|-] [--cpu-prof DIR]
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { verify } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { IMDS_TOKEN_PATH } from '../src/agent/metadata-server.js';
import { BENCH_CLIENT_ID, BENCH_RESOURCE, createFixture, openIssuer, type FixtureSpec } from './fixture.js';
import { autocannonPath, runLoad, wrkOnPath, type LoadGenName, type LoadResult } from './loadgen.js';
import type { MintChildResult } from './mint-child.js';
import { POOL_IN_FLIGHT, type MintCase } from './mint-loops.js';
import { formatRbacReport, runRbacBench } from './rbac.js';
import { fmt, fmtSpread, spread, table, type Spread } from './stats.js';
import { g7Report, runG7, type G7Report } from './verify.js';

const SERVER_CPU = '0';
const LOAD_CPU = '1';
const BOTH_CPUS = '0,1';
const WARMUP_SECONDS = 1;
const here = (file: string) => fileURLToPath(new URL(file, import.meta.url));
const log = (line: string) => process.stderr.write(`${line}\n`);

interface Options {
  rounds: number;
  seconds: number;
  mintMs: number;
  connections: number;
  only: Set<string>;
  loadgen: LoadGenName;
  loadgenWhy: string;
  json: string | undefined;
  cpuProf: string | undefined;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      rounds: { type: 'string', default: '5' },
      seconds: { type: 'string', default: '3' },
      'mint-ms': { type: 'string', default: '2000' },
      connections: { type: 'string', default: '50' },
      only: { type: 'string', default: 'g1,g3,g4,g6,g7' },
      loadgen: { type: 'string' },
      json: { type: 'string' },
      'cpu-prof': { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'npm run bench -- [--rounds 5] [--seconds 3] [--mint-ms 2000] [--only g1,g3,g4,g6,g7,rbac] [--loadgen wrk|autocannon]\n' +
        '                 [--connections 50] [--json FILE|-] [--cpu-prof DIR]\n' +
        '  g1: cached IMDS vs bare node:http (G1, G2); g4: minting on one core (G4, G5); g6: minting with a 1- vs 2-worker SigningPool (G6)\n' +
        '  g3: the cached IMDS path with a sign-in row recorded per answer vs without (G3)\n' +
        '  g7: token validation (DataPlaneAuthenticator) vs raw crypto.verify on one core (G7)\n' +
        '  rbac: RbacAuthorizer.check latency over 1,000,000 role assignments (p99 < 1 ms; ~1 min to load, runs once)\n' +
        '  --cpu-prof DIR: run the IMDS server under node --cpu-prof (slows it: the G1 ratio is then not meaningful)\n',
    );
    process.exit(0);
  }
  const positive = (name: string, v: string | undefined) => {
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name} must be a positive number, got ${v}`);
    return n;
  };
  const wrk = wrkOnPath();
  let loadgen: LoadGenName;
  let loadgenWhy: string;
  if (values.loadgen === undefined) {
    loadgen = wrk ? 'wrk' : 'autocannon';
    loadgenWhy = wrk ? 'wrk is on PATH' : 'wrk is not on PATH (apt-get install wrk for honest ceilings)';
  } else if (values.loadgen === 'wrk' || values.loadgen === 'autocannon') {
    if (values.loadgen === 'wrk' && !wrk) throw new Error('--loadgen wrk: wrk is not on PATH');
    loadgen = values.loadgen;
    loadgenWhy = 'chosen with --loadgen';
  } else throw new Error(`--loadgen must be wrk or autocannon, got ${values.loadgen}`);
  return {
    rounds: Math.round(positive('rounds', values.rounds)),
    seconds: Math.max(1, Math.round(positive('seconds', values.seconds))),
    mintMs: positive('mint-ms', values['mint-ms']),
    connections: Math.round(positive('connections', values.connections)),
    only: new Set(values.only!.toLowerCase().split(',').map((s) => s.trim())),
    loadgen,
    loadgenWhy,
    json: values.json,
    cpuProf: values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']),
  };
}

// ---------------------------------------------------------------- child processes

interface RunningServer {
  child: ChildProcess;
  port: number;
}

function startServer(args: string[], nodeFlags: string[] = []): Promise<RunningServer> {
  const child = spawn('taskset', ['-c', SERVER_CPU, process.execPath, ...nodeFlags, here('./http-server.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return new Promise((resolveStart, rejectStart) => {
    let stdout = '';
    const fail = (why: string) => {
      child.kill('SIGKILL');
      rejectStart(new Error(`benchmark server ${args[0]} ${why}\n${stderr}`));
    };
    const timer = setTimeout(() => fail('did not start within 60 s'), 60_000);
    child.stdout!.on('data', (c: Buffer) => {
      stdout += c.toString();
      const nl = stdout.indexOf('\n');
      if (nl === -1) return;
      clearTimeout(timer);
      resolveStart({ child, port: (JSON.parse(stdout.slice(0, nl)) as { port: number }).port });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      rejectStart(new Error(`benchmark server ${args[0]} exited with ${code}\n${stderr}`));
    });
  });
}

function stopServer(s: RunningServer): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return Promise.resolve();
  return new Promise((resolveStop) => {
    const kill = setTimeout(() => s.child.kill('SIGKILL'), 10_000);
    s.child.once('exit', () => {
      clearTimeout(kill);
      resolveStop();
    });
    s.child.kill('SIGTERM');
  });
}

function mintChild(fixturePath: string, which: MintCase, workers: number, ms: number, cpusArg: string): Promise<MintChildResult> {
  const args = ['-c', cpusArg, process.execPath, here('./mint-child.js'), fixturePath, which, String(workers), String(ms)];
  return new Promise((resolveRun, rejectRun) => {
    execFile('taskset', args, { timeout: ms + 120_000 }, (err, stdout, stderr) => {
      if (err) rejectRun(new Error(`mint-child ${which} ×${workers} failed: ${err.message}\n${stderr}`));
      else resolveRun(JSON.parse(stdout) as MintChildResult);
    });
  });
}

// ---------------------------------------------------------------- G1/G2: HTTP

const IMDS_QUERY = `api-version=2018-02-01&resource=${encodeURIComponent(BENCH_RESOURCE)}&client_id=${BENCH_CLIENT_ID}`;
const IMDS_URL_PATH = `${IMDS_TOKEN_PATH}?${IMDS_QUERY}`;
const IMDS_HEADERS = { Metadata: 'true' };

type HttpCase = 'bare' | 'imds' | 'imds-signins';

function get(port: number, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolveGet, rejectGet) => {
    const req = request({ host: '127.0.0.1', port, path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolveGet({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', rejectGet);
    req.end();
  });
}

/** Starts the real IMDS server once: checks it answers a real, verifiable RS256 JWT and measures the body. */
async function probeImds(fixturePath: string, spec: FixtureSpec): Promise<{ bodyBytes: number; tokenBytes: number; claims: Record<string, unknown> }> {
  const server = await startServer(['imds', fixturePath]);
  try {
    const { status, body } = await get(server.port, IMDS_URL_PATH, IMDS_HEADERS);
    if (status !== 200) throw new Error(`the IMDS server answered ${status}: ${body}`);
    const token = (JSON.parse(body) as { access_token: string }).access_token;
    const [h, p, sig] = token.split('.');
    const header = JSON.parse(Buffer.from(h!, 'base64url').toString()) as { alg: string; kid: string };
    const claims = JSON.parse(Buffer.from(p!, 'base64url').toString()) as Record<string, unknown>;
    const { ring } = await openIssuer(spec);
    const key = ring.publicKey(header.kid);
    const valid = key !== undefined && header.alg === 'RS256' && verify('sha256', Buffer.from(`${h}.${p}`), key, Buffer.from(sig!, 'base64url'));
    if (!valid || claims['aud'] !== BENCH_RESOURCE || claims['appid'] !== BENCH_CLIENT_ID) {
      throw new Error(`the cached token is not a valid RS256 JWT for ${BENCH_RESOURCE}: ${JSON.stringify({ header, claims })}`);
    }
    return { bodyBytes: Buffer.byteLength(body), tokenBytes: token.length, claims };
  } finally {
    await stopServer(server);
  }
}

interface HttpRun extends LoadResult {
  case: HttpCase;
  /** Server CPU time (user + system) per answered request: steadier than req/s when neighbours steal time. */
  cpuUsPerReq: number;
}

/** User + system CPU seconds of a process so far, from /proc (NaN where there is none). */
function cpuSeconds(pid: number | undefined): number {
  try {
    // Fields after the parenthesized command name; utime and stime are fields 14 and 15.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}
const CLOCK_TICKS = 100; // USER_HZ: 100 on every Linux architecture Node supports

async function httpRun(o: Options, which: HttpCase, fixturePath: string, bodyBytes: number): Promise<HttpRun> {
  const profFlags = which === 'imds' && o.cpuProf !== undefined ? ['--cpu-prof', `--cpu-prof-dir=${o.cpuProf}`] : [];
  const server = await startServer(which === 'bare' ? ['bare', String(bodyBytes)] : [which, fixturePath], profFlags);
  try {
    const url = `http://127.0.0.1:${server.port}${which === 'bare' ? '/' : IMDS_URL_PATH}`;
    const headers = which === 'bare' ? {} : IMDS_HEADERS;
    const load = { url, headers, connections: o.connections, cpu: LOAD_CPU };
    await runLoad(o.loadgen, { ...load, seconds: WARMUP_SECONDS });
    const cpu0 = cpuSeconds(server.child.pid);
    const result = await runLoad(o.loadgen, { ...load, seconds: o.seconds });
    const cpuUsPerReq = ((cpuSeconds(server.child.pid) - cpu0) * 1e6) / result.requests;
    return { case: which, ...result, cpuUsPerReq };
  } finally {
    await stopServer(server);
  }
}

// ---------------------------------------------------------------- the run

interface Round {
  round: number;
  http: HttpRun[];
  mint: MintChildResult[];
  workers: MintChildResult[];
}

interface Goal {
  id: string;
  label: string;
  ratios: Spread;
  target: number;
  /** 'min': the ratio must be at least the target; 'max': at most. */
  kind: 'min' | 'max';
  verdict: 'met' | 'missed' | 'no data';
  note?: string;
}

function goal(id: string, label: string, values: number[], target: number, kind: 'min' | 'max', note?: string): Goal {
  const ratios = spread(values);
  const verdict = ratios.n === 0 ? 'no data' : (kind === 'min' ? ratios.median >= target : ratios.median <= target) ? 'met' : 'missed';
  return { id, label, ratios, target, kind, verdict, ...(note === undefined ? {} : { note }) };
}

const rotate = <T>(items: readonly T[], by: number): T[] => items.map((_, i) => items[(i + by) % items.length]!);

async function main(): Promise<void> {
  const o = options();
  // rbac is an absolute latency goal, not a ratio to a baseline: it runs once, apart from the rounds.
  if (o.only.has('rbac')) process.stdout.write(`${formatRbacReport(await runRbacBench(undefined, log))}\n\n`);
  if ([...o.only].every((g) => g === 'rbac')) return;
  const t0 = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'openmi-bench-'));
  const fixturePath = join(dir, 'fixture.json');
  const rounds: Round[] = [];
  let probe: Awaited<ReturnType<typeof probeImds>> | undefined;
  let g7: G7Report | undefined;
  try {
    log(`openmi bench: ${o.rounds} rounds; HTTP ${o.seconds} s per case (+${WARMUP_SECONDS} s warm-up), c=${o.connections}, ${o.loadgen} (${o.loadgenWhy}); mint loops ${o.mintMs} ms`);
    log('creating the key ring fixture (RSA key generation)…');
    const spec = await createFixture(dir);
    writeFileSync(fixturePath, JSON.stringify(spec), { mode: 0o600 });
    if (o.only.has('g1') || o.only.has('g3')) {
      probe = await probeImds(fixturePath, spec);
      log(`IMDS answers a verified RS256 JWT of ${probe.tokenBytes} chars; body ${probe.bodyBytes} bytes (the bare server answers as many)`);
    }
    for (let r = 0; r < o.rounds; r++) {
      const round: Round = { round: r + 1, http: [], mint: [], workers: [] };
      if (probe !== undefined) {
        const cases: HttpCase[] = o.only.has('g3') ? ['bare', 'imds', 'imds-signins'] : ['bare', 'imds'];
        for (const which of rotate<HttpCase>(cases, r)) round.http.push(await httpRun(o, which, fixturePath, probe.bodyBytes));
      }
      if (o.only.has('g4')) {
        for (const which of rotate<MintCase>(['sign', 'signer', 'issue'], r)) round.mint.push(await mintChild(fixturePath, which, 0, o.mintMs, SERVER_CPU));
      }
      if (o.only.has('g6')) {
        for (const n of rotate([1, 2], r)) round.workers.push(await mintChild(fixturePath, 'pool', n, o.mintMs, BOTH_CPUS));
      }
      rounds.push(round);
      log(`round ${r + 1}/${o.rounds}: ${roundLine(round)}`);
    }
    if (o.only.has('g7')) g7 = g7Report(await runG7(fixturePath, o.rounds, o.mintMs, SERVER_CPU, log), o.mintMs, SERVER_CPU);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  report(o, rounds, probe, (performance.now() - t0) / 1000, g7);
}

function roundLine(r: Round): string {
  const parts: string[] = [];
  for (const h of r.http) parts.push(`${h.case} ${fmt(h.rps)} req/s p99 ${fmt(h.p99Ms, 1)} ms ${fmt(h.cpuUsPerReq, 1)} µs CPU/req${h.failures > 0 ? ` (${h.failures} FAILED)` : ''}`);
  for (const m of r.mint) parts.push(`${m.which} ${fmt(m.opsPerSec)}/s`);
  for (const w of r.workers) parts.push(`pool ${w.workers}w ${fmt(w.opsPerSec)}/s on ${fmt(w.coresBusy, 2)} cores`);
  return parts.join(', ');
}

// ---------------------------------------------------------------- report

function report(o: Options, rounds: Round[], probe: { bodyBytes: number; tokenBytes: number } | undefined, elapsedS: number, g7?: G7Report): void {
  const out: string[] = [];
  const goals: Goal[] = [];
  const cases: Record<string, Record<string, Spread>> = {};
  out.push(`openmi bench — node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; ${rounds.length} rounds, interleaved (order alternates per round)`);

  const httpOf = (r: Round, c: HttpCase) => r.http.find((h) => h.case === c && h.failures === 0);
  if (probe !== undefined) {
    const failed = rounds.flatMap((r) => r.http).filter((h) => h.failures > 0);
    const rows = [['case', 'req/s median [min–max]', 'p50 ms', 'p99 ms median [min–max]', 'server CPU µs/req']];
    const labelled = [['bare', 'bare node:http GET / (same body size)'], ['imds', 'IMDS token, TokenCache hit'], ['imds-signins', 'IMDS token, cache hit + sign-in row']] as const;
    for (const [c, label] of labelled.filter(([c]) => rounds.some((r) => httpOf(r, c)))) {
      const runs = rounds.map((r) => httpOf(r, c)).filter((h): h is HttpRun => h !== undefined);
      const rps = spread(runs.map((h) => h.rps));
      const p50 = spread(runs.map((h) => h.p50Ms));
      const p99 = spread(runs.map((h) => h.p99Ms));
      const cpu = spread(runs.map((h) => h.cpuUsPerReq));
      cases[c] = { rps, p50Ms: p50, p99Ms: p99, cpuUsPerReq: cpu };
      rows.push([label, fmtSpread(rps), fmt(p50.median, 2), fmtSpread(p99, 2), fmtSpread(cpu, 1)]);
    }
    out.push('', `G1/G2 HTTP: server on CPU ${SERVER_CPU}, ${o.loadgen} on CPU ${LOAD_CPU}, c=${o.connections}, keep-alive, ${o.seconds} s per case; body ${probe.bodyBytes} B, JWT ${probe.tokenBytes} chars`);
    out.push(table(rows));
    if (failed.length > 0) out.push(`WARNING: ${failed.length} runs had non-2xx answers or socket errors and were left out`);
    const pairs = rounds.map((r) => [httpOf(r, 'imds'), httpOf(r, 'bare')] as const).filter(([a, b]) => a !== undefined && b !== undefined);
    goals.push(goal('G1', 'cached IMDS / bare node:http req/s', pairs.map(([a, b]) => a!.rps / b!.rps), 0.8, 'min', 'stretch 0.90'));
    goals.push(
      goal('G1cpu', 'G1 by server CPU µs/req (bare / IMDS)', pairs.map(([a, b]) => b!.cpuUsPerReq / a!.cpuUsPerReq), 0.8, 'min'),
    );
    goals.push(goal('G2', 'cached IMDS p99 / bare node:http p99', pairs.map(([a, b]) => a!.p99Ms / b!.p99Ms), 2, 'max'));
    const logged = rounds.map((r) => [httpOf(r, 'imds-signins'), httpOf(r, 'imds')] as const).filter(([a, b]) => a !== undefined && b !== undefined);
    if (logged.length > 0) goals.push(goal('G3', 'cached IMDS with sign-in logging / without', logged.map(([a, b]) => a!.rps / b!.rps), 0.8, 'min'));
  }

  const mintOf = (r: Round, c: MintCase) => r.mint.find((m) => m.which === c);
  if (rounds.some((r) => r.mint.length > 0)) {
    const rows = [['case (one core, one at a time)', 'ops/s median [min–max]', 'µs/op']];
    const labels: Record<Exclude<MintCase, 'pool'>, string> = {
      sign: 'bare crypto.sign RS256, 600 B payload',
      signer: 'JwtSigner.sign (claims → JWT)',
      issue: 'TokenIssuer.issueAsync, no pool (MI claims → JWT)',
    };
    for (const c of ['sign', 'signer', 'issue'] as const) {
      const s = spread(rounds.map((r) => mintOf(r, c)?.opsPerSec ?? Number.NaN));
      cases[`mint_${c}`] = { opsPerSec: s };
      rows.push([labels[c], fmtSpread(s), fmt(1e6 / s.median)]);
    }
    out.push('', `G4/G5 minting: one process on CPU ${SERVER_CPU}, ${o.mintMs} ms per case`, table(rows));
    const ratio = (c: MintCase) => rounds.map((r) => (mintOf(r, c)?.opsPerSec ?? Number.NaN) / (mintOf(r, 'sign')?.opsPerSec ?? Number.NaN));
    goals.push(goal('G4', 'TokenIssuer.issueAsync (no pool) / bare crypto.sign', ratio('issue'), 0.75, 'min'));
    goals.push(goal('G5', 'JwtSigner.sign / bare crypto.sign', ratio('signer'), 0.95, 'min'));
  }

  const workersOf = (r: Round, n: number) => r.workers.find((w) => w.workers === n);
  if (rounds.some((r) => r.workers.length > 0)) {
    const rows = [['case (TokenIssuer.issueAsync)', 'total mints/s median [min–max]', 'cores busy median [min–max]']];
    for (const n of [1, 2]) {
      const s = spread(rounds.map((r) => workersOf(r, n)?.opsPerSec ?? Number.NaN));
      const busy = spread(rounds.map((r) => workersOf(r, n)?.coresBusy ?? Number.NaN));
      cases[`pool_${n}`] = { opsPerSec: s, coresBusy: busy };
      rows.push([`SigningPool of ${n} worker${n === 1 ? '' : 's'}`, fmtSpread(s), fmtSpread(busy, 2)]);
    }
    out.push('', `G6 minting as the server does (signingWorkers 1 vs 2): one process on CPUs ${BOTH_CPUS}, ${POOL_IN_FLIGHT} mints in flight, ${o.mintMs} ms per case`, table(rows));
    goals.push(goal('G6', 'mints/s pool of 2 / pool of 1', rounds.map((r) => (workersOf(r, 2)?.opsPerSec ?? Number.NaN) / (workersOf(r, 1)?.opsPerSec ?? Number.NaN)), 1.7, 'min'));
    out.push('(the main thread builds claims, the workers sign; cores busy = CPU time of all threads over wall time, so 2 workers well under 2 means other processes held a core)');
  }

  if (g7 !== undefined) {
    out.push(...g7.lines);
    Object.assign(cases, g7.cases);
    goals.push(goal('G7', 'DataPlaneAuthenticator.authenticate / raw crypto.verify + claims', g7.ratios, 0.8, 'min', `jose jwtVerify ${fmt(spread(g7.joseRatios).median, 2)}×, reference`));
  }
  const rows = [['goal', 'median', '[min–max]', 'target', 'verdict']];
  for (const g of goals) {
    rows.push([`${g.id} ${g.label}`, fmt(g.ratios.median, 2), `[${fmt(g.ratios.min, 2)}–${fmt(g.ratios.max, 2)}]`, `${g.kind === 'min' ? '≥' : '≤'}${fmt(g.target, 2)}`, g.verdict + (g.note ? ` (${g.note})` : '')]);
  }
  out.push('', `Summary: per-round ratios (target over baseline, same round), n=${rounds.length}`, table(rows));
  out.push('', `${fmt(elapsedS)} s in all. Ratios vary; judge a goal by the median of at least 5 rounds.`);
  if (o.loadgen === 'autocannon') {
    out.push('Note: autocannon is a single-core Node client and saturates near a Node server core (docs/performance.md: 0.62× wrk), so G1 may read closer to 1 than it is; install wrk for ceilings.');
  }
  if (o.cpuProf !== undefined) out.push(`CPU profiles of the IMDS server are in ${o.cpuProf} (profiling slows it: G1 is not meaningful in this run).`);
  process.stdout.write(`${out.join('\n')}\n`);

  if (o.json !== undefined) {
    const doc = {
      node: process.version,
      cpu: cpus()[0]?.model,
      settings: { rounds: o.rounds, seconds: o.seconds, mintMs: o.mintMs, connections: o.connections, loadgen: o.loadgen, loadgenPath: o.loadgen === 'autocannon' ? autocannonPath() : 'wrk' },
      body: probe,
      goals,
      cases,
      rounds,
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
