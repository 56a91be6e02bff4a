import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { Endpoint } from './raw-http.js';
import { seedFixtures } from './seed.js';
import type { Fixtures } from './server-cases.js';

const MAIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** A child process under test: its pid (for RSS), whether it still runs, and the error lines it logged. */
export class Child {
  readonly errors: string[] = [];
  errorCount = 0;
  /** The last lines it wrote that are not JSON log lines: where Node prints a crash's stack. */
  readonly rawTail: string[] = [];
  /** How it ended, once it has. */
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  private out = '';

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    const take = (d: Buffer) => {
      this.out = (this.out + d.toString('utf8')).slice(-100_000);
      let nl: number;
      while ((nl = this.out.indexOf('\n')) !== -1) {
        const line = this.out.slice(0, nl);
        this.out = this.out.slice(nl + 1);
        if (/"level":(50|60)/.test(line)) {
          this.errorCount++;
          if (this.errors.length < 5) this.errors.push(line.slice(0, 2000));
        } else if (!line.startsWith('{')) {
          this.rawTail.push(line.slice(0, 500));
          if (this.rawTail.length > 30) this.rawTail.shift();
        }
      }
    };
    proc.stdout?.on('data', take);
    proc.stderr?.on('data', take);
    proc.once('exit', (code, signal) => (this.exit = { code, signal }));
  }

  /** Why it is gone, for a report: exit code or signal, its fatal log line, and its last raw output. */
  death(): string {
    const how = this.exit?.signal ? `signal ${this.exit.signal}` : `exit code ${this.exit?.code ?? '?'}`;
    const fatal = this.errors.filter((l) => /"level":60/.test(l)).pop();
    return `${this.name} (${how})${fatal ? `: ${fatal}` : ''}${this.rawTail.length ? `\n${this.rawTail.join('\n')}` : ''}`;
  }

  get alive(): boolean {
    return this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** Resident set size in bytes, from /proc (Linux); undefined elsewhere. */
  rss(): number | undefined {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.proc.pid}/status`, 'utf8'));
      return m ? Number(m[1]) * 1024 : undefined;
    } catch {
      return undefined;
    }
  }

  async stop(): Promise<void> {
    if (!this.alive) return;
    const exited = new Promise((r) => this.proc.once('exit', r));
    this.proc.kill('SIGTERM');
    const timer = setTimeout(() => this.proc.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

function start(name: string, args: string[]): Child {
  const env = { ...process.env, OPENMI_LOG_LEVEL: 'error' };
  return new Child(name, spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env }));
}

async function waitFor<T>(what: string, child: Child, probe: () => T | undefined, ms = 30_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (!child.alive) throw new Error(`${child.name} exited before ${what}: ${child.errors.join('\n')}`);
    if (Date.now() > until) throw new Error(`${child.name}: no ${what} within ${ms} ms`);
    await sleep(50);
  }
}

export interface Targets {
  endpoints: Record<'server' | 'agent' | 'gate', Endpoint>;
  children: Child[];
  fixtures: Fixtures;
  dataDir: string;
  baseUrl: string;
  ca: string;
  stop(): Promise<void>;
}

/** A tiny service behind the gate: it answers every request it is given, after reading its body. */
function upstreamServer(): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.end(JSON.stringify({ path: req.url })));
  });
  // Longer than the gate keeps idle upstream sockets (4 s), as any upstream behind a proxy should
  // be. The gate no longer depends on it (src/gate/proxy.ts `send`); the 502s once blamed on that
  // race came from a head over this server's 16 KiB limit, refused while the body was still sent.
  server.keepAliveTimeout = 65_000;
  return new Promise((r) =>
    server.listen(0, '127.0.0.1', () => r({ server, port: (server.address() as AddressInfo).port })),
  );
}

/**
 * Starts the real processes the fuzz aims at: `openmi serve` on the given store, `openmi agent`
 * for a seeded VM, and `openmi gate` in front of a local upstream, each a child process so a
 * crash is an exit the runner sees.
 */
export async function startTargets(store: string): Promise<Targets> {
  const dataDir = mkdtempSync(join(tmpdir(), 'openmi-fuzz-'));
  const children: Child[] = [];
  let upstream: Server | undefined;
  const stop = async () => {
    await Promise.all(children.map((c) => c.stop()));
    upstream?.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const server = start('openmi serve', ['serve', '--data-dir', dataDir, '--port', '0', '--store', store]);
    children.push(server);
    const endpoint = join(dataDir, 'endpoint.json');
    const { baseUrl } = await waitFor('endpoint.json', server, () =>
      existsSync(endpoint) ? (JSON.parse(readFileSync(endpoint, 'utf8')) as { baseUrl: string }) : undefined,
    );
    await sleep(300); // surfaces are mounted right after endpoint.json is written
    const ca = readFileSync(join(dataDir, 'ca.pem'), 'utf8');
    const seeded = await seedFixtures(dataDir, baseUrl, ca);
    const ready = join(dataDir, 'agent-ready.json');
    const agent = start('openmi agent', [
      'agent',
      '--resource',
      seeded.fixtures.vmId,
      '--data-dir',
      dataDir,
      '--listen',
      '127.0.0.1:0',
      '--ready-file',
      ready,
      '--max-connections-per-client',
      '64',
    ]);
    children.push(agent);
    const env = await waitFor('its ready file', agent, () =>
      existsSync(ready) ? (JSON.parse(readFileSync(ready, 'utf8')) as { env: Record<string, string> }).env : undefined,
    );
    const up = await upstreamServer();
    upstream = up.server;
    const rules = join(dataDir, 'gate-rules.json');
    writeFileSync(
      rules,
      JSON.stringify({
        rules: [
          { method: '*', path: '/admin/**', dataAction: 'Contoso.Fuzz/admin/action' },
          { method: '*', path: '/**', dataAction: 'Contoso.Fuzz/requests/action' },
        ],
      }),
    );
    const gate = start('openmi gate', [
      'gate',
      '--upstream',
      `http://127.0.0.1:${up.port}`,
      '--resource',
      seeded.gateResourceId,
      '--listen',
      '127.0.0.1:0',
      '--data-dir',
      dataDir,
      '--config',
      rules,
      '--audience',
      'api://fuzz-app',
    ]);
    children.push(gate);
    let gateOut = '';
    gate.proc.stdout!.on('data', (d: Buffer) => (gateOut += d.toString()));
    const gatePort = await waitFor('its listening line', gate, () => /listening on [^\s]*:(\d+)/.exec(gateOut)?.[1]);
    const port = (u: string) => Number(new URL(u).port);
    const fixtures = { ...seeded.fixtures, identityHeader: env['IDENTITY_HEADER']! };
    const endpoints = {
      server: { host: '127.0.0.1', port: port(baseUrl), tls: true },
      agent: { host: '127.0.0.1', port: port(env['IDENTITY_ENDPOINT']!), tls: false },
      gate: { host: '127.0.0.1', port: Number(gatePort), tls: false },
    };
    return { endpoints, children, fixtures, dataDir, baseUrl, ca, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
