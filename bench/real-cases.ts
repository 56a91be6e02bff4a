/**
 * One measurement of one real-process case: where its processes sit, what load it gets, and
 * the CPU time the process under test spent per answered request.
 */
import { execFile, spawn } from 'node:child_process';
import { cpuSeconds as cpuOf, benchScript, type RunningServer } from './child-servers.js';
import { runLoad, type LoadGenName, type LoadResult, type LoadSpec } from './loadgen.js';
import type { MintChildResult } from './mint-child.js';
import type { LoadJob } from './node-load.js';
import { OIDC_TOKEN_PATH, oidcForm } from './oidc-client.js';
import { clientCredentialsForm, type Serve } from './real-serve.js';
import { IDENTITY_API } from './real-setup.js';
import {
  appHeaders,
  appUrl,
  BOTH_CPUS,
  IMDS_HEADERS,
  imdsUrl,
  LOAD_CPU,
  place,
  SERVER_CPU,
  TOKEN_RESOURCE,
  type Group,
  type Lab,
} from './real-lab.js';

export const CASES = {
  'bare-imds': { group: 'imds', label: 'bare node:http, IMDS-sized body' },
  'run-imds': { group: 'imds', label: 'IMDS cache hit, openmi run agent' },
  'agent-imds': { group: 'imds', label: 'IMDS cache hit, openmi agent' },
  'bare-app': { group: 'app', label: 'bare node:http, App Service-sized body' },
  'run-app': { group: 'app', label: 'App Service cache hit, openmi run agent' },
  'agent-app': { group: 'app', label: 'App Service cache hit, openmi agent' },
  'cc-1': { group: 'cc', label: 'client_credentials, openmi serve on CPU 0 (TLS, SQLite, sign-in row)' },
  oidc: { group: 'cc', label: 'client_credentials, oidc-provider 8 on CPU 0 (plain HTTP, in-memory)' },
  sign: { group: 'cc', label: 'bare crypto.sign RS256 loop on CPU 0 (ceiling)' },
  'cc-2': { group: 'cores', label: 'client_credentials, openmi serve on CPUs 0,1' },
  miss: { group: 'miss', label: 'IMDS cache miss: mint through openmi agent → serve' },
  'arm-read': { group: 'arm', label: 'ARM GET userAssignedIdentity' },
  'arm-write': { group: 'arm', label: 'ARM PUT userAssignedIdentity (idempotent update)' },
  'pg-1': { group: 'nodes', label: 'client_credentials, one openmi serve node on PostgreSQL, CPU 0' },
  'pg-2': { group: 'nodes', label: 'client_credentials, two nodes on one PostgreSQL, CPUs 0 and 1, round-robin' },
} as const satisfies Record<string, { group: Group; label: string }>;

export type RealCase = keyof typeof CASES;

export const casesOf = (groups: Set<Group>): RealCase[] =>
  (Object.keys(CASES) as RealCase[]).filter((c) => groups.has(CASES[c].group) || (c === 'cc-1' && groups.has('cores')));

export interface CaseRun extends LoadResult {
  case: RealCase;
  /** CPU time (user + system, all threads) of the process under test per answered request. */
  cpuUsPerReq: number;
}

export interface CaseOptions {
  loadgen: LoadGenName;
  connections: number;
  seconds: number;
  warmupSeconds: number;
  mintMs: number;
}

interface Plan {
  /** The process whose CPU time is charged to the requests. */
  pid: number | undefined;
  /** More processes charged with it (the second node). */
  morePids?: number[];
  /** Where the load runs, when not on LOAD_CPU (both nodes' CPUs are taken). */
  loadCpu?: string;
  load: Omit<LoadSpec, 'connections' | 'seconds' | 'cpu'> & Pick<LoadJob, 'urls'>;
  /** Keep-alive connections across warm-up and measurement (node-load.ts) instead of wrk/autocannon. */
  node?: Pick<LoadJob, 'unique' | 'connections'>;
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
/**
 * Requests in flight for the token, miss and ARM cases, the same for openmi and oidc-provider:
 * enough to keep two cores signing even when each request waits for a group commit.
 */
export const TOKEN_CONNECTIONS = 50;
const TOKEN = { connections: TOKEN_CONNECTIONS };
const serverUrl = (s: RunningServer | undefined, path: string) => `http://127.0.0.1:${s!.port}${path}`;
const sameTarget = (s: RunningServer | undefined, agentUrl: string) => {
  const u = new URL(agentUrl);
  return serverUrl(s, `${u.pathname}${u.search}`);
};
const ccLoad = (s: Serve) => ({
  url: s.tokenUrl,
  headers: FORM,
  method: 'POST',
  body: clientCredentialsForm(s, TOKEN_RESOURCE),
  caFile: s.caPath,
});

/** Where the processes sit for `c`: the process under test on CPU 0, the load (and whatever stands for another machine) on CPU 1. */
async function placeFor(lab: Lab, c: RealCase): Promise<void> {
  const agentCase = c.startsWith('run-') || c.startsWith('agent-');
  // For cache hits the server is another machine's business: it only takes the agent's uploads.
  await place(lab, lab.serve.pid, agentCase ? LOAD_CPU : SERVER_CPU);
  await place(lab, lab.agents.agent?.pid, SERVER_CPU);
  await place(lab, lab.agents.run?.pid, SERVER_CPU);
}

function plan(lab: Lab, c: RealCase): Plan {
  const { agent, run } = lab.agents;
  const id = lab.inst.clientId;
  const armUrl = `${lab.serve.baseUrl}${lab.inst.identityId}?api-version=${IDENTITY_API}`;
  const armHeaders = { authorization: `Bearer ${lab.inst.token}` };
  switch (c) {
    // The bare servers get the very request the agents get (target and headers), so Node's
    // parsing of it is on both sides of the ratio and only the answering differs.
    case 'bare-imds':
      return {
        pid: lab.bare.imds?.child.pid,
        load: { url: sameTarget(lab.bare.imds, imdsUrl(agent ?? run!, id)), headers: IMDS_HEADERS },
      };
    case 'bare-app':
      return {
        pid: lab.bare.app?.child.pid,
        load: { url: sameTarget(lab.bare.app, appUrl(run ?? agent!, id)), headers: appHeaders(run ?? agent!) },
      };
    case 'run-imds':
      return { pid: run!.pid, load: { url: imdsUrl(run!, id), headers: IMDS_HEADERS } };
    case 'agent-imds':
      return { pid: agent!.pid, load: { url: imdsUrl(agent!, id), headers: IMDS_HEADERS } };
    case 'run-app':
      return { pid: run!.pid, load: { url: appUrl(run!, id), headers: appHeaders(run!) } };
    case 'agent-app':
      return { pid: agent!.pid, load: { url: appUrl(agent!, id), headers: appHeaders(agent!) } };
    case 'cc-1':
      return { pid: lab.serve.pid, load: ccLoad(lab.serve), node: TOKEN };
    case 'cc-2':
      return { pid: lab.serve2!.pid, load: ccLoad(lab.serve2!), node: TOKEN };
    case 'oidc':
      return {
        pid: lab.oidc?.child.pid,
        load: {
          url: serverUrl(lab.oidc, OIDC_TOKEN_PATH),
          headers: FORM,
          method: 'POST',
          body: oidcForm(TOKEN_RESOURCE),
        },
        node: TOKEN,
      };
    case 'miss':
      return {
        pid: lab.serve.pid,
        load: { url: imdsUrl(lab.agents.miss!, id), headers: IMDS_HEADERS },
        node: { ...TOKEN, unique: 'resource' },
      };
    case 'arm-read':
      return { pid: lab.serve.pid, load: { url: armUrl, headers: armHeaders, caFile: lab.serve.caPath }, node: TOKEN };
    case 'arm-write':
      return {
        pid: lab.serve.pid,
        load: {
          url: armUrl,
          headers: { ...armHeaders, 'content-type': 'application/json' },
          method: 'PUT',
          body: lab.inst.writeBody,
          caFile: lab.serve.caPath,
        },
        node: TOKEN,
      };
    case 'pg-1':
    case 'pg-2':
      return nodesPlan(lab, c === 'pg-2');
    case 'sign':
      throw new Error('sign is not an HTTP case');
  }
}

/**
 * One node on CPU 0 with the load on CPU 1, or both nodes (CPU 0, CPU 1) with the load round-robin
 * over them and scheduled on either CPU: a two-core machine has no third core for it.
 */
function nodesPlan(lab: Lab, both: boolean): Plan {
  const [a, b] = lab.pgNodes!.nodes;
  const load = ccLoad(a);
  if (!both) return { pid: a.pid, load, node: TOKEN };
  const urls = [a.tokenUrl, b.tokenUrl];
  return { pid: a.pid, morePids: [b.pid], loadCpu: BOTH_CPUS, load: { ...load, urls }, node: TOKEN };
}

/** The loop the RSA signature sets the ceiling with: crypto.sign back to back on CPU 0. */
function signLoop(lab: Lab, ms: number): Promise<MintChildResult> {
  const args = [
    '-c',
    SERVER_CPU,
    process.execPath,
    benchScript('./mint-child.js'),
    lab.signSpecPath,
    'sign',
    '0',
    String(ms),
  ];
  return new Promise((resolve, reject) => {
    execFile('taskset', args, { timeout: ms + 120_000 }, (err, stdout, stderr) =>
      err
        ? reject(new Error(`mint-child sign: ${err.message}\n${stderr}`))
        : resolve(JSON.parse(stdout) as MintChildResult),
    );
  });
}

/** node-load.ts on CPU 1 (or `cpu`); the servers' CPU time is charged from the line that says the measured run began. */
function nodeLoad(
  job: LoadJob,
  pids: Array<number | undefined>,
  cpu = LOAD_CPU,
): Promise<LoadResult & { cpuSeconds: number }> {
  const child = spawn('taskset', ['-c', cpu, process.execPath, benchScript('./node-load.js'), JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const cpuSeconds = () => pids.reduce<number>((sum, pid) => sum + cpuOf(pid), 0);
  let out = '';
  let err = '';
  let cpu0 = Number.NaN;
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    if (Number.isNaN(cpu0) && out.includes('"measuring"')) cpu0 = cpuSeconds();
  });
  child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve, reject) => {
    // 'close', not 'exit': the result line may still be in the pipe when the process exits.
    child.once('close', (code) => {
      const cpu1 = cpuSeconds();
      const last = out.trim().split('\n').pop() ?? '';
      if (code !== 0) reject(new Error(`node-load exited with ${code}: ${err}`));
      else resolve({ ...(JSON.parse(last) as LoadResult), cpuSeconds: cpu1 - cpu0 });
    });
  });
}

/**
 * wrk drives the token and ARM cases too when it is there: node-load's own CPU per request was
 * about half the server's, which on two shared cores capped R6 near 1.36 (docs/performance.md).
 * Its handshakes (one per connection, in the measured run) cost about 1% of a run. Misses (a
 * fresh resource per request) and round-robin over nodes need node-load.
 */
function wrkCanDrive(o: CaseOptions, p: Plan): boolean {
  return o.loadgen === 'wrk' && p.node?.unique === undefined && p.load.urls === undefined;
}

export async function runCase(lab: Lab, c: RealCase, o: CaseOptions): Promise<CaseRun> {
  if (c === 'sign') {
    const r = await signLoop(lab, o.mintMs);
    return {
      case: c,
      rps: r.opsPerSec,
      requests: r.loop.ops,
      p50Ms: Number.NaN,
      p99Ms: Number.NaN,
      failures: 0,
      cpuUsPerReq: (r.coresBusy * 1e6) / r.opsPerSec,
    };
  }
  await placeFor(lab, c);
  const p = plan(lab, c);
  if (p.node !== undefined && !wrkCanDrive(o, p)) {
    const job: LoadJob = { method: 'GET', ...p.load, ...p.node, warmupSeconds: o.warmupSeconds, seconds: o.seconds };
    const { cpuSeconds: cpu, ...result } = await nodeLoad(job, [p.pid, ...(p.morePids ?? [])], p.loadCpu);
    return { case: c, ...result, cpuUsPerReq: (cpu * 1e6) / result.requests };
  }
  const spec = { ...p.load, connections: p.node?.connections ?? o.connections, cpu: p.loadCpu ?? LOAD_CPU };
  await runLoad(o.loadgen, { ...spec, seconds: o.warmupSeconds });
  const cpu0 = cpuOf(p.pid);
  const result = await runLoad(o.loadgen, { ...spec, seconds: o.seconds });
  return { case: c, ...result, cpuUsPerReq: ((cpuOf(p.pid) - cpu0) * 1e6) / result.requests };
}
