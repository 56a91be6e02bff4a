/**
 * The processes the real-process cases run against, started once per benchmark run and kept
 * idle between cases: `openmi serve` pinned to one core (and a second one on two cores), the
 * agents of `openmi agent` and `openmi run`, bare node:http servers answering bodies of the same
 * size as the agent's, and the oidc-provider baseline.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { IMDS_TOKEN_PATH } from '../src/agent/imds-fast-path.js';
import { httpsRequest } from '../test/helpers/https.js';
import { startServer, stopServer, type RunningServer } from './child-servers.js';
import { install, startAgentCli, type AgentProc, type Installation } from './real-setup.js';
import { OIDC_TOKEN_PATH, oidcForm } from './oidc-client.js';
import { clientCredentialsForm, pin, startServe, type Serve } from './real-serve.js';
import { startPgNodes, type PgNodes } from './real-nodes.js';

export const SERVER_CPU = '0';
export const LOAD_CPU = '1';
export const BOTH_CPUS = '0,1';
/** The audience every token case asks for, openmi and oidc-provider alike. */
export const TOKEN_RESOURCE = 'https://management.azure.com';

export type Group = 'imds' | 'app' | 'cc' | 'cores' | 'miss' | 'arm' | 'signins' | 'nodes';
/** The groups that run without PostgreSQL; `nodes` (real-nodes.ts) joins the default when it is reachable. */
export const GROUPS: readonly Group[] = ['imds', 'app', 'cc', 'cores', 'miss', 'arm', 'signins'];
export const PG_GROUPS: readonly Group[] = ['nodes'];

export interface Lab {
  dir: string;
  serve: Serve;
  /** `openmi serve` started on CPUs 0,1 (two signing workers), for the cores comparison. */
  serve2?: Serve;
  /** Two `openmi serve` nodes on one PostgreSQL, on CPU 0 and CPU 1, for the nodes comparison. */
  pgNodes?: PgNodes;
  inst: Installation;
  /**
   * `agent` and `run` answer the cache-hit cases; `miss` is another `openmi agent` for the miss
   * case alone, whose fresh resource per request fills its token cache to the bound and would
   * leave a hit agent costlier for the rest of the run.
   */
  agents: { agent?: AgentProc; run?: AgentProc; miss?: AgentProc };
  bare: { imds?: RunningServer; app?: RunningServer };
  oidc?: RunningServer;
  /** PEM of an RSA-2048 key: oidc-provider's signing key and the crypto.sign loop's. */
  keyPath: string;
  /** A FixtureSpec holding only that key, what mint-child's `sign` case reads. */
  signSpecPath: string;
  bodyBytes: { imds?: number; app?: number };
  /** Where each long-lived process is pinned now (pid → cpus), so a case moves only what it must. */
  placed: Map<number, string>;
  close(): Promise<void>;
}

export interface LabOptions {
  groups: Set<Group>;
  /** Node flags for serve and the agents (e.g. --cpu-prof). */
  nodeFlags: string[];
  log: (line: string) => void;
}

export function getText(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

export const imdsUrl = (a: AgentProc, clientId: string) =>
  `${a.imds}${IMDS_TOKEN_PATH}?api-version=2018-02-01&resource=${encodeURIComponent(TOKEN_RESOURCE)}&client_id=${clientId}`;
export const appUrl = (a: AgentProc, clientId: string) =>
  `${a.identityEndpoint}?api-version=2019-08-01&resource=${encodeURIComponent(TOKEN_RESOURCE)}&client_id=${clientId}`;
export const IMDS_HEADERS = { Metadata: 'true' };
export const appHeaders = (a: AgentProc) => ({ 'X-IDENTITY-HEADER': a.identityHeader });

/** Fetches one answer (filling the agent's cache) and returns its size: the bare server answers as many bytes. */
async function warm(url: string, headers: Record<string, string>): Promise<number> {
  const r = await getText(url, headers);
  if (r.status !== 200 || typeof (JSON.parse(r.body) as { access_token?: unknown }).access_token !== 'string')
    throw new Error(`${url} answered ${r.status}: ${r.body}`);
  return Buffer.byteLength(r.body);
}

type Keep = <T extends { stop(): Promise<void> }>(p: T) => T;

/** One RSA-2048 key for the baselines: oidc-provider's signing key and the crypto.sign loop's. */
function baselineKey(dir: string): { keyPath: string; signSpecPath: string } {
  const keyPath = join(dir, 'rsa-key.pem');
  const pem = generateKeyPairSync('rsa', { modulusLength: 2048 })
    .privateKey.export({ type: 'pkcs8', format: 'pem' })
    .toString();
  writeFileSync(keyPath, pem, { mode: 0o600 });
  const signSpecPath = join(dir, 'sign-spec.json');
  writeFileSync(signSpecPath, JSON.stringify({ storePath: '', masterKeyHex: '', baselineKeyPem: pem }), {
    mode: 0o600,
  });
  return { keyPath, signSpecPath };
}

/** The agents the groups need, their caches warm; records the answers' sizes for the bare servers. */
async function startAgents(lab: Lab, o: LabOptions, keep: Keep): Promise<void> {
  const g = o.groups;
  const kinds =
    g.has('imds') || g.has('app') ? (['run', 'agent'] as const) : g.has('signins') ? (['run'] as const) : [];
  for (const kind of kinds) {
    o.log(`starting openmi ${kind} --resource (the agent) on CPU 0…`);
    const a = keep(await startAgentCli(kind, lab.serve, lab.inst.vmId, lab.dir, SERVER_CPU, o.nodeFlags));
    lab.agents[kind] = a;
    lab.placed.set(a.pid, SERVER_CPU);
    if (g.has('imds')) lab.bodyBytes.imds = await warm(imdsUrl(a, lab.inst.clientId), IMDS_HEADERS);
    if (g.has('app')) lab.bodyBytes.app = await warm(appUrl(a, lab.inst.clientId), appHeaders(a));
  }
  if (g.has('miss')) {
    // It plays the workload's host, beside the load: the server's mint is what a miss measures.
    o.log(`starting openmi agent --resource for the misses on CPU ${LOAD_CPU}…`);
    const dir = mkdir(join(lab.dir, 'miss-agent'));
    const a = keep(await startAgentCli('agent', lab.serve, lab.inst.vmId, dir, LOAD_CPU, o.nodeFlags));
    lab.agents.miss = a;
    lab.placed.set(a.pid, LOAD_CPU);
  }
}

export async function openLab(o: LabOptions, dir: string): Promise<Lab> {
  const started: Array<{ stop(): Promise<void> }> = [];
  const keep: Keep = (p) => (started.push(p), p);
  const bench = async (script: string, args: string[]) => {
    const s = await startServer(script, args, SERVER_CPU);
    started.push({ stop: () => stopServer(s) });
    return s;
  };
  try {
    o.log('starting openmi serve (SQLite, TLS, sign-in log) on CPU 0…');
    const serve = keep(await startServe(mkdir(join(dir, 'serve-1core')), SERVER_CPU, o.nodeFlags));
    const lab: Lab = {
      dir,
      serve,
      inst: await install(serve),
      agents: {},
      bare: {},
      ...baselineKey(dir),
      bodyBytes: {},
      placed: new Map([[serve.pid, SERVER_CPU]]),
      close: async () => undefined,
    };
    if (o.groups.has('cores')) {
      o.log('starting a second openmi serve on CPUs 0,1…');
      lab.serve2 = keep(await startServe(mkdir(join(dir, 'serve-2cores')), BOTH_CPUS, o.nodeFlags));
    }
    if (o.groups.has('nodes')) {
      o.log('starting two openmi serve nodes on one PostgreSQL, on CPU 0 and CPU 1…');
      lab.pgNodes = await startPgNodes(dir, [SERVER_CPU, LOAD_CPU], o.nodeFlags);
      started.push(lab.pgNodes);
    }
    await startAgents(lab, o, keep);
    if (lab.bodyBytes.imds !== undefined)
      lab.bare.imds = await bench('./http-server.js', ['bare', String(lab.bodyBytes.imds)]);
    if (lab.bodyBytes.app !== undefined)
      lab.bare.app = await bench('./http-server.js', ['bare', String(lab.bodyBytes.app)]);
    if (o.groups.has('cc')) {
      lab.oidc = await bench('./oidc-server.js', [lab.keyPath]);
      await probeTokens(lab);
    }
    lab.close = () => stopAll(started);
    return lab;
  } catch (err) {
    await stopAll(started);
    throw err;
  }
}

/** Both token services must answer the benchmark's request with an RS256 JWT for TOKEN_RESOURCE, or the comparison is void. */
async function probeTokens(lab: Lab): Promise<void> {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  const answers = [
    [
      'openmi serve',
      await httpsRequest(lab.serve.tokenUrl, {
        method: 'POST',
        ca: lab.serve.ca,
        body: clientCredentialsForm(lab.serve, TOKEN_RESOURCE),
        headers: form,
      }),
    ],
    [
      'oidc-provider',
      await httpsRequest(`http://127.0.0.1:${lab.oidc!.port}${OIDC_TOKEN_PATH}`, {
        method: 'POST',
        body: oidcForm(TOKEN_RESOURCE),
        headers: form,
      }),
    ],
  ] as const;
  for (const [who, r] of answers) {
    const [h, p] = String(r.json?.access_token ?? '').split('.');
    const alg = h ? (JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string }).alg : undefined;
    const aud = p ? (JSON.parse(Buffer.from(p, 'base64url').toString()) as { aud?: string }).aud : undefined;
    if (r.status !== 200 || alg !== 'RS256' || aud !== TOKEN_RESOURCE)
      throw new Error(`${who} did not answer an RS256 JWT for ${TOKEN_RESOURCE}: ${r.status} ${r.text.slice(0, 300)}`);
  }
}

function mkdir(path: string): string {
  mkdirSync(path, { recursive: true, mode: 0o700 });
  return path;
}

async function stopAll(started: Array<{ stop(): Promise<void> }>): Promise<void> {
  // Agents before the server they leave on the way out.
  for (const p of [...started].reverse()) await p.stop().catch(() => undefined);
}

/** Pins `pid` to `cpus` unless it already is. */
export async function place(lab: Lab, pid: number | undefined, cpus: string): Promise<void> {
  if (pid === undefined || lab.placed.get(pid) === cpus) return;
  await pin(pid, cpus);
  lab.placed.set(pid, cpus);
}
