/**
 * A Node load generator for the token cases, in its own process on CPU 1:
 *
 *   node dist/bench/node-load.js '<LoadJob JSON>'
 *
 * wrk and autocannon open their connections anew in every run, so a measured run of a TLS
 * server would include one handshake per connection (an RSA-2048 signature each, with
 * openmi's certificate): at a few hundred tokens per second that is a tenth of the work. Here the
 * warm-up and the measured run share keep-alive connections. It also gives each request of the
 * cache-miss case a resource never asked for before. Prints `{"measuring":true}` when the measured
 * run starts, then one LoadResult JSON line.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type RequestOptions } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LoadResult } from './loadgen.js';

export interface LoadJob {
  url: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
  caFile?: string;
  connections: number;
  warmupSeconds: number;
  seconds: number;
  /** 'resource': replace the `resource` query parameter with a fresh value on every request. */
  unique?: 'resource';
  /** Several nodes: requests go round-robin over these URLs instead of `url`, as a load balancer's would. */
  urls?: string[];
}

function send(job: LoadJob, agent: HttpAgent, url: string): Promise<number> {
  const headers =
    job.body === undefined ? job.headers : { ...job.headers, 'content-length': String(Buffer.byteLength(job.body)) };
  const opts: RequestOptions = { method: job.method, headers, agent };
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve) => {
    const req = send(url, opts, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', () => resolve(0));
    });
    req.on('error', () => resolve(0));
    req.end(job.body);
  });
}

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? Number.NaN;

/** Keeps `connections` requests in flight until `ms` have passed. */
async function phase(job: LoadJob, agent: HttpAgent, next: () => string, ms: number): Promise<LoadResult> {
  const latencies: number[] = [];
  let failures = 0;
  const start = performance.now();
  const end = start + ms;
  const loop = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      if ((await send(job, agent, next())) === 200) latencies.push(performance.now() - t0);
      else failures++;
    }
  };
  await Promise.all(Array.from({ length: job.connections }, loop));
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    rps: latencies.length / elapsed,
    requests: latencies.length,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    failures,
  };
}

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2]!) as LoadJob;
  const tls = job.url.startsWith('https:');
  const agentOpts = {
    keepAlive: true,
    maxSockets: job.connections,
    ...(job.caFile === undefined ? {} : { ca: readFileSync(job.caFile, 'utf8') }),
  };
  const agent = tls ? new HttpsAgent(agentOpts) : new HttpAgent(agentOpts);
  // A run-unique prefix: every resource is new to the agent's cache, also across rounds.
  const prefix = `https://miss-${randomBytes(6).toString('hex')}.bench.example/`;
  let n = 0;
  const base = new URL(job.url);
  const urls = job.urls ?? [job.url];
  const next =
    job.unique === 'resource'
      ? () => (base.searchParams.set('resource', `${prefix}${n++}`), base.href)
      : () => urls[n++ % urls.length]!;
  await phase(job, agent, next, job.warmupSeconds * 1000);
  // The runner starts charging the server's CPU time here.
  process.stdout.write(`${JSON.stringify({ measuring: true })}\n`);
  const cpu0 = process.cpuUsage();
  const wall0 = performance.now();
  const result = await phase(job, agent, next, job.seconds * 1000);
  const cpu = process.cpuUsage(cpu0);
  agent.destroy();
  // How busy the generator itself was: near 1 means it, not the server, set the rate.
  const loadgenBusy = (cpu.user + cpu.system) / 1000 / (performance.now() - wall0);
  process.stdout.write(`${JSON.stringify({ ...result, loadgenBusy })}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
