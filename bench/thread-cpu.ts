/**
 * CPU time per answer, per thread, of the real processes, for A/B comparisons of builds on a
 * shared machine where req/s means little (docs/performance.md):
 *
 *   node dist/bench/thread-cpu.js --case cc|cc2|imds|app [--rounds 4] [--seconds 6]
 *        [--main A/dist/src/cli/main.js,B/dist/src/cli/main.js] [--cpu-prof DIR] [--together]
 *        [--node-flags '--perf-basic-prof'] (then `perf record -g -p PID` during a long run)
 *        [--agents run,agent]
 *
 * Each build's process under test (`openmi serve` for cc on CPU 0, cc2 on CPUs 0,1; the
 * `openmi run` agent for imds and app, on CPU 0, its server on CPU 1) is started once, and the
 * builds are loaded in alternating order each round. Per thread, utime + stime from
 * /proc/PID/task/TID/stat around the measured run, divided by the answers served: the main
 * thread, and the other threads by name (signing workers, libuv, V8 helpers).
 * `--agents run,agent` starts, for imds and app, the agent of each named kind per build (the
 * `openmi agent --resource` process as well as the `openmi run` one), so the two kinds of the
 * same build can be compared in the same rounds.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { benchScript } from './child-servers.js';
import { runLoad } from './loadgen.js';
import type { LoadJob } from './node-load.js';
import { appHeaders, appUrl, IMDS_HEADERS, imdsUrl, TOKEN_RESOURCE } from './real-lab.js';
import { CLI_MAIN, clientCredentialsForm, startServe, type Proc } from './real-serve.js';
import { install, startAgentCli, type AgentProc } from './real-setup.js';

type Ticks = Map<string, number>;
const CLOCK_TICKS = 100;

/** utime + stime in ticks per thread, keyed "main" for the main thread, else "comm#tid". */
function threadTicks(pid: number): Ticks {
  const out: Ticks = new Map();
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid === String(pid) ? 'main' : `${comm}#${tid}`, Number(f[11]) + Number(f[12]));
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** µs per answer by thread group: main, the busiest other threads by name, and the total. */
function perAnswer(a: Ticks, b: Ticks, answers: number): Record<string, number> {
  const groups: Record<string, number> = {};
  for (const [k, t] of b) {
    const d = t - (a.get(k) ?? 0);
    const name = k === 'main' ? 'main' : k.replace(/#\d+$/, '').replace(/\d+$/, '');
    groups[name] = (groups[name] ?? 0) + d;
  }
  const us = (ticks: number) => Math.round(((ticks / CLOCK_TICKS) * 1e7) / answers) / 10;
  const res: Record<string, number> = {};
  let total = 0;
  for (const [k, t] of Object.entries(groups)) {
    total += t;
    if (t > 0) res[k] = us(t);
  }
  res['total'] = us(total);
  return res;
}

interface Target {
  label: string;
  pid: number;
  run(measure: (start: boolean) => void): Promise<number>;
}

/** The answers node-load counted; also notes its own CPU per request (what the load costs the machine, R6). */
function loadResult(out: string): number {
  const r = JSON.parse(out.trim().split('\n').pop()!) as { requests: number; rps: number; loadgenBusy: number };
  loadgenUs.push(Math.round((r.loadgenBusy * 1e6) / r.rps));
  return r.requests;
}
const loadgenUs: number[] = [];
/** The data directories made for this run, removed at its end. */
const dirs: string[] = [];

function nodeLoad(job: LoadJob, onMeasuring: () => void): Promise<number> {
  const child = spawn('taskset', ['-c', '1', process.execPath, benchScript('./node-load.js'), JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  let seen = false;
  child.stdout.on('data', (c: Buffer) => {
    out += c.toString();
    if (seen || !out.includes('"measuring"')) return;
    seen = true;
    onMeasuring();
  });
  return new Promise((resolve, reject) =>
    child.once('close', (code) =>
      code === 0 ? resolve(loadResult(out)) : reject(new Error(`node-load exited ${code}`)),
    ),
  );
}

/** VmRSS in kB of a process, to see what each target holds. */
function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : Number.NaN;
}

async function target(
  kind: string,
  main: string,
  i: number,
  o: { seconds: number; flags: string[]; agents: Array<'run' | 'agent'> },
  stops: Proc[],
): Promise<Target[]> {
  const seconds = o.seconds;
  const dir = mkdtempSync(join(tmpdir(), `thread-cpu-${i}-`));
  dirs.push(dir);
  const label = `${i}:${main.replace(/\/dist\/src\/cli\/main\.js$/, '')}`;
  if (kind === 'cc' || kind === 'cc2') {
    const s = await startServe(dir, kind === 'cc' ? '0' : '0,1', o.flags, undefined, main);
    stops.push(s);
    const job: LoadJob = {
      url: s.tokenUrl,
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: clientCredentialsForm(s, TOKEN_RESOURCE),
      caFile: s.caPath,
      connections: 50,
      warmupSeconds: 2,
      seconds,
    };
    return [{ label, pid: s.pid, run: (m) => nodeLoad(job, () => m(true)) }];
  }
  const s = await startServe(dir, '1', [], undefined, CLI_MAIN);
  stops.push(s);
  const inst = await install(s);
  const out: Target[] = [];
  for (const agentKind of o.agents) {
    const a = await startAgentCli(agentKind, s, inst.vmId, dir, '0', o.flags, main);
    stops.push(a);
    out.push(agentTarget(kind, o.agents.length > 1 ? `${label}:${agentKind}` : label, a, inst.clientId, seconds));
  }
  return out;
}

function agentTarget(kind: string, label: string, a: AgentProc, clientId: string, seconds: number): Target {
  const spec = {
    url: kind === 'imds' ? imdsUrl(a, clientId) : appUrl(a, clientId),
    headers: kind === 'imds' ? IMDS_HEADERS : appHeaders(a),
    connections: 50,
    cpu: '1',
  };
  return {
    label,
    pid: a.pid,
    run: async (m) => {
      await runLoad('wrk', { ...spec, seconds: 1 });
      m(true);
      return (await runLoad('wrk', { ...spec, seconds })).requests;
    },
  };
}

async function main(): Promise<void> {
  const arg = (name: string, dflt: string) => {
    const i = process.argv.indexOf(`--${name}`);
    return i < 0 ? dflt : process.argv[i + 1]!;
  };
  const kind = arg('case', 'cc');
  const rounds = Number(arg('rounds', '4'));
  const seconds = Number(arg('seconds', '6'));
  const mains = arg('main', CLI_MAIN).split(',');
  const prof = arg('cpu-prof', '');
  const together = process.argv.includes('--together');
  const extra = arg('node-flags', '');
  const agents = arg('agents', 'run').split(',') as Array<'run' | 'agent'>;
  const flags = [...(prof === '' ? [] : ['--cpu-prof', '--cpu-prof-dir', prof]), ...(extra ? extra.split(' ') : [])];
  const stops: Proc[] = [];
  try {
    const targets: Target[] = [];
    for (const [i, m] of mains.entries())
      targets.push(...(await target(kind, m, i, { seconds, flags, agents }, stops)));
    const one = async (r: number, t: Target) => {
      let t0: Ticks = new Map();
      const answers = await t.run(() => (t0 = threadTicks(t.pid)));
      const res = perAnswer(t0, threadTicks(t.pid), answers);
      const loadgen = loadgenUs.pop();
      const rss = rssKb(t.pid);
      process.stdout.write(
        `${JSON.stringify({ round: r, target: t.label, answers, usPerAnswer: res, loadgen, rss })}\n`,
      );
    };
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? targets : [...targets].reverse();
      // --together: every build under load at once, so the neighbours' noise falls on all alike.
      if (together) await Promise.all(order.map((t) => one(r, t)));
      else for (const t of order) await one(r, t);
    }
  } finally {
    for (const p of stops.reverse()) await p.stop().catch(() => undefined);
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
