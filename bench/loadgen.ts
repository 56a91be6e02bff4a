/**
 * The HTTP load generator, always in its own process on CPU 1: wrk when it is on PATH (a C
 * generator that out-runs one Node server core), otherwise autocannon (docs/adr/0005).
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export type LoadGenName = 'wrk' | 'autocannon';

export interface LoadResult {
  rps: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Non-2xx answers plus socket errors and timeouts: a valid run has none. */
  failures: number;
}

export interface LoadSpec {
  url: string;
  headers: Record<string, string>;
  connections: number;
  seconds: number;
  cpu: string;
  /** Default GET. */
  method?: string;
  body?: string;
  /** PEM file of the CA an https URL's certificate chains to (autocannon trusts it; wrk does not check). */
  caFile?: string;
}

export function wrkOnPath(): boolean {
  return spawnSync('wrk', ['--version'], { stdio: 'ignore' }).error === undefined;
}

export function autocannonPath(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('autocannon/package.json')), 'autocannon.js');
}

function run(cmd: string, args: string[], timeoutMs: number, env?: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const withEnv = env === undefined ? {} : { env: { ...process.env, ...env } };
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, ...withEnv }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

function wrkMs(text: string, label: RegExp): number {
  const m = label.exec(text);
  if (!m) return Number.NaN;
  return Number(m[1]) * (UNIT_MS[m[2]!] ?? Number.NaN);
}

export function parseWrk(out: string): LoadResult {
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1]);
  const requests = Number(/(\d+) requests in/.exec(out)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(out)?.[1] ?? 0);
  const errs = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = errs ? errs.slice(1).reduce((s, x) => s + Number(x), 0) : 0;
  return {
    rps,
    requests,
    p50Ms: wrkMs(out, /^\s+50%\s+([\d.]+)(us|ms|s|m)\s*$/m),
    p99Ms: wrkMs(out, /^\s+99%\s+([\d.]+)(us|ms|s|m)\s*$/m),
    failures: non2xx + socketErrors,
  };
}

interface AutocannonJson {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  latency: { p50: number; p99: number };
  requests: { total: number; average: number };
}

export function parseAutocannon(out: string): LoadResult {
  const j = JSON.parse(out.slice(out.indexOf('{'))) as AutocannonJson;
  return {
    rps: j.requests.total / j.duration,
    requests: j.requests.total,
    p50Ms: j.latency.p50,
    p99Ms: j.latency.p99,
    failures: j.non2xx + j.errors + j.timeouts,
  };
}

/** wrk sends a method and body only from a Lua script; written once per distinct request. */
function wrkScript(method: string, body: string | undefined): string {
  const lua = `wrk.method = ${JSON.stringify(method)}\n${body === undefined ? '' : `wrk.body = ${JSON.stringify(body)}\n`}`;
  const path = join(tmpdir(), `openmi-bench-wrk-${createHash('sha256').update(lua).digest('hex').slice(0, 16)}.lua`);
  if (!existsSync(path)) writeFileSync(path, lua);
  return path;
}

export async function runLoad(gen: LoadGenName, s: LoadSpec): Promise<LoadResult> {
  const timeoutMs = (s.seconds + 30) * 1000;
  const method = s.method ?? 'GET';
  if (gen === 'wrk') {
    const headers = Object.entries(s.headers).flatMap(([k, v]) => ['-H', `${k}: ${v}`]);
    const script = method === 'GET' && s.body === undefined ? [] : ['-s', wrkScript(method, s.body)];
    const out = await run(
      'taskset',
      ['-c', s.cpu, 'wrk', '-t1', `-c${s.connections}`, `-d${s.seconds}s`, '--latency', ...script, ...headers, s.url],
      timeoutMs,
    );
    return parseWrk(out);
  }
  // `K=V`: autocannon splits on the first ':' or '=', and `K: V` would keep the leading space.
  const headers = Object.entries(s.headers).flatMap(([k, v]) => ['-H', `${k}=${v}`]);
  const request = [...(method === 'GET' ? [] : ['-m', method]), ...(s.body === undefined ? [] : ['-b', s.body])];
  const args = [
    '-c',
    s.cpu,
    process.execPath,
    autocannonPath(),
    '-j',
    '-c',
    String(s.connections),
    '-d',
    String(s.seconds),
    ...request,
    ...headers,
    s.url,
  ];
  return parseAutocannon(
    await run('taskset', args, timeoutMs, s.caFile === undefined ? undefined : { NODE_EXTRA_CA_CERTS: s.caFile }),
  );
}
