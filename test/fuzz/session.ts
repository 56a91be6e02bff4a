import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { httpsRequest } from '../helpers/https.js';
import { fuzz, type FuzzReport } from './runner.js';
import { startTargets, type Targets } from './targets.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface SessionOptions {
  store: string;
  requests: number;
  seed: number;
  concurrency: number;
  timeoutMs?: number;
  log?: (line: string) => void;
}

export interface SessionResult {
  report: FuzzReport;
  /** RSS in bytes of each child before (after warm-up) and after the run. */
  rss: Record<string, { before: number | undefined; after: number | undefined }>;
  /** Children that exited during the run. */
  died: string[];
  /** For each process that died: how, and what it last said (Child.death). */
  deaths: string[];
  /** Error-level log lines each child wrote (count, first few). */
  errorLogs: Record<string, { count: number; first: string[] }>;
  /** Liveness after the run: a real request on each surface still answered correctly. */
  health: Record<string, number>;
  auditVerify: { code: number; output: string };
  storeBytes?: { before: number; after: number };
}

function sqliteBytes(dataDir: string): number | undefined {
  try {
    return ['openmi.db', 'openmi.db-wal'].reduce(
      (n, f) => n + (statSync(join(dataDir, f), { throwIfNoEntry: false })?.size ?? 0),
      0,
    );
  } catch {
    return undefined;
  }
}

function run(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { timeout: 120_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, output: `${stdout}${stderr}`.slice(0, 4000) }),
    );
  });
}

/** One real request per process that must still succeed after the fuzz. */
async function health(t: Targets): Promise<Record<string, number>> {
  const f = t.fixtures;
  const get = async (url: string, headers: Record<string, string> = {}) =>
    (await fetch(url, { headers, signal: AbortSignal.timeout(15_000) })).status;
  const out: Record<string, number> = {};
  out['server /healthz'] = (await httpsRequest(`${t.baseUrl}/healthz`, { ca: t.ca })).status;
  out['server ARM'] = (
    await httpsRequest(`${t.baseUrl}/subscriptions?api-version=2022-12-01`, {
      ca: t.ca,
      headers: { authorization: `Bearer ${f.armToken}` },
    })
  ).status;
  const agent = `http://127.0.0.1:${t.endpoints.agent.port}`;
  out['agent IMDS token'] = await get(
    `${agent}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/&client_id=${f.identityClientId}`,
    { Metadata: 'true' },
  );
  out['gate'] = await get(`http://127.0.0.1:${t.endpoints.gate.port}/orders/1`, {
    authorization: `Bearer ${f.gateToken}`,
  });
  return out;
}

/** Starts the targets, warms up, fuzzes, and checks liveness, memory, logs and the audit chain afterwards. */
export async function fuzzSession(o: SessionOptions): Promise<SessionResult> {
  const log = o.log ?? (() => undefined);
  const t = await startTargets(o.store);
  try {
    const base = {
      seed: o.seed,
      concurrency: o.concurrency,
      timeoutMs: o.timeoutMs ?? 15_000,
      endpoints: t.endpoints,
      fixtures: t.fixtures,
    };
    // Warm-up: JIT, pools and caches settle before the RSS baseline is taken.
    await fuzz({ ...base, seed: o.seed ^ 0x5eed, requests: Math.min(1000, o.requests) });
    const before = Object.fromEntries(t.children.map((c) => [c.name, c.rss()]));
    const storeBefore = sqliteBytes(t.dataDir);
    const dead = () => t.children.filter((c) => !c.alive).map((c) => c.name);
    const report = await fuzz({
      ...base,
      requests: o.requests,
      every: 500,
      check: (sent) => {
        if (sent % 5000 === 0) log(`fuzz: ${sent} requests sent`);
        const d = dead();
        return d.length ? `${d.join(', ')} exited` : undefined;
      },
    });
    const rss = Object.fromEntries(t.children.map((c) => [c.name, { before: before[c.name], after: c.rss() }]));
    const died = dead();
    const deaths = t.children.filter((c) => !c.alive).map((c) => c.death());
    const h = died.length ? {} : await health(t);
    const auditVerify = died.includes('openmi serve')
      ? { code: -1, output: 'server died' }
      : await run(['audit', 'verify', '--data-dir', t.dataDir]);
    const storeAfter = sqliteBytes(t.dataDir);
    const errorLogs = Object.fromEntries(t.children.map((c) => [c.name, { count: c.errorCount, first: c.errors }]));
    return {
      report,
      rss,
      died,
      deaths,
      errorLogs,
      health: h,
      auditVerify,
      ...(storeBefore !== undefined && storeAfter !== undefined && o.store === 'sqlite'
        ? { storeBytes: { before: storeBefore, after: storeAfter } }
        : {}),
    };
  } finally {
    await t.stop();
  }
}

const mib = (n: number | undefined) => (n === undefined ? '?' : `${(n / 1048576).toFixed(1)} MiB`);

/** The figures, as quoted in the issue's closing note. */
export function summary(store: string, s: SessionResult): string {
  const r = s.report;
  const lines = [
    `fuzz on ${store}: ${r.sent} requests in ${(r.ms / 1000).toFixed(1)} s (${Math.round(r.sent / (r.ms / 1000))}/s); answered ${r.answered}, malformed closed without answer ${r.closedMalformed}`,
    `  5xx other than 503: ${r.serverErrors.length}; deliberate 503: ${
      Object.entries(r.deliberate503)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ') || 0
    }; hangs: ${r.hangs.length}; dropped well-formed: ${r.dropped.length}; processes died: ${s.died.length ? s.deaths.join('\n') : 'none'}`,
    `  statuses: ${Object.entries(r.byStatus)
      .map(([k, v]) => `${k}×${v}`)
      .join(' ')}`,
    `  per surface: ${Object.entries(r.bySurface)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `  RSS: ${Object.entries(s.rss)
      .map(([k, v]) => `${k} ${mib(v.before)} → ${mib(v.after)}`)
      .join('; ')}`,
    `  error log lines: ${Object.entries(s.errorLogs)
      .map(([k, v]) => `${k} ${v.count}`)
      .join(', ')}`,
    `  after: ${Object.entries(s.health)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}; audit verify exit ${s.auditVerify.code}`,
  ];
  if (s.storeBytes) lines.push(`  SQLite store: ${mib(s.storeBytes.before)} → ${mib(s.storeBytes.after)}`);
  for (const f of [...r.serverErrors, ...r.hangs, ...r.dropped].slice(0, 10))
    lines.push(`  ! ${f.surface} (${f.target}) ${f.what}: ${f.request.slice(0, 300)}`);
  for (const [k, v] of Object.entries(s.errorLogs))
    for (const e of v.first.slice(0, 3)) lines.push(`  log ${k}: ${e.slice(0, 600)}`);
  return lines.join('\n');
}
