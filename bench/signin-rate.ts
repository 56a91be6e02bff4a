/**
 * Issue L's lossless sign-in log at full rate: the `openmi run` agent answers cached IMDS tokens as
 * fast as wrk can ask for `--signin-seconds` (60 by default), and afterwards the sign-in log must
 * count exactly the answers the agent served (docs/audit.md, "Agent-served requests"). CI runs the
 * same check at a smaller rate (test/conformance/agent-sign-in-rate.test.ts). Runs once, apart from
 * the rounds: it is a count, not a ratio.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { httpsRequest } from '../test/helpers/https.js';
import { runLoad, type LoadGenName } from './loadgen.js';
import { getText, IMDS_HEADERS, LOAD_CPU, place, SERVER_CPU, type Lab } from './real-lab.js';
import { adminToken } from './real-serve.js';
import { fmt } from './stats.js';

export interface SignInRateOptions {
  seconds: number;
  connections: number;
  loadgen: LoadGenName;
}

export interface SignInRateReport {
  seconds: number;
  /** Answers the agent served from its cache during the run (its own /metrics counter). */
  served: number;
  /** Requests wrk saw completed (a few in flight at its stop may be served but not counted by wrk). */
  completed: number;
  failures: number;
  /** Requests the sign-in log counts for the run's audience, cache hits and the first mint. */
  counted: number;
  cachedCounted: number;
  rows: number;
  dropped: number;
}

/** Every run asks for its own audience, so rows from other cases (or still-open windows) never mix in. */
const audienceOf = (t: number) => `https://signin-rate-${t}.bench.openmi`;

async function agentCounter(imdsBase: string, name: string): Promise<number> {
  const r = await getText(`${imdsBase}/metrics`, {});
  if (r.status !== 200) throw new Error(`agent /metrics answered ${r.status}: ${r.body.slice(0, 200)}`);
  return r.body
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

interface Tally {
  requests: number;
  cached: number;
  rows: number;
}

async function tally(lab: Lab, token: string, audience: string): Promise<Tally> {
  const out: Tally = { requests: 0, cached: 0, rows: 0 };
  let next: string | undefined =
    `/providers/OpenMI.Audit/signIns?api-version=2025-01-01&identity=${encodeURIComponent(lab.inst.identityId)}&$top=1000`;
  while (next !== undefined) {
    const r = await httpsRequest(`${lab.serve.baseUrl}${next}`, {
      method: 'GET',
      ca: lab.serve.ca,
      headers: { authorization: `Bearer ${token}` },
    });
    if (r.status !== 200) throw new Error(`signIns answered ${r.status}: ${r.text.slice(0, 300)}`);
    for (const s of r.json.value as { requestCount?: number; source: string; resourceId: string | null }[]) {
      if (s.resourceId !== audience) continue;
      const n = s.requestCount ?? 1;
      out.requests += n;
      if (s.source === 'agentCache') out.cached += n;
      out.rows += 1;
    }
    next = r.json.nextLink ? String(r.json.nextLink).slice(lab.serve.baseUrl.length) : undefined;
  }
  return out;
}

export async function runSignInRate(
  lab: Lab,
  o: SignInRateOptions,
  log: (line: string) => void,
): Promise<SignInRateReport> {
  const agent = lab.agents.run;
  if (agent === undefined) throw new Error('the signins case needs the openmi run agent (group imds)');
  await place(lab, agent.pid, SERVER_CPU);
  await place(lab, lab.serve.pid, LOAD_CPU);
  const audience = audienceOf(Date.now());
  const url = `${agent.imds}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=${encodeURIComponent(audience)}&client_id=${lab.inst.clientId}`;
  const first = await getText(url, IMDS_HEADERS);
  if (first.status !== 200) throw new Error(`the first (minted) answer failed: ${first.status} ${first.body}`);
  const hits = 'openmi_agent_token_cache_total{result="hit"}';
  const hitsBefore = await agentCounter(agent.imds, hits);
  log(`signins: ${o.seconds} s of cached IMDS answers from the openmi run agent…`);
  const load = await runLoad(o.loadgen, {
    url,
    headers: IMDS_HEADERS,
    connections: o.connections,
    seconds: o.seconds,
    cpu: LOAD_CPU,
  });
  const served = (await agentCounter(agent.imds, hits)) - hitsBefore;
  // Windows are a minute: the last one closes up to a minute after the run, then is uploaded.
  const token = await adminToken(lab.serve);
  const deadline = Date.now() + 150_000;
  let got = await tally(lab, token, audience);
  while (got.requests < served + 1 && Date.now() < deadline) {
    await sleep(2_000);
    got = await tally(lab, token, audience);
  }
  return {
    seconds: o.seconds,
    served,
    completed: load.requests,
    failures: load.failures,
    counted: got.requests,
    cachedCounted: got.cached,
    rows: got.rows,
    dropped: await agentCounter(agent.imds, 'openmi_agent_sign_ins_dropped_total'),
  };
}

export function formatSignInRate(r: SignInRateReport): string {
  const lossless = r.cachedCounted === r.served && r.counted === r.served + 1 && r.dropped === 0 && r.failures === 0;
  return [
    `Sign-in log at full rate (openmi run agent, ${r.seconds} s, one audience):`,
    `  answers served from the cache ${fmt(r.served)} (${fmt(r.served / r.seconds)}/s; wrk completed ${fmt(r.completed)}, ${r.failures} failed)`,
    `  counted in the sign-in log    ${fmt(r.cachedCounted)} cached + ${fmt(r.counted - r.cachedCounted)} minted, in ${r.rows} rows; dropped ${r.dropped}`,
    `  goal: ≥ 30,000/s for 60 s, counts equal answers — ${lossless ? (r.served / r.seconds >= 30_000 ? 'met' : 'counts equal, rate below 30,000/s on this machine') : 'MISSED'}`,
  ].join('\n');
}
