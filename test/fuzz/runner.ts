import { nextCase } from './cases.js';
import { Rng } from './hostile.js';
import { RawConnection, type Endpoint, type Outcome } from './raw-http.js';
import type { Fixtures } from './server-cases.js';
import type { Case } from './wire.js';

export interface FuzzOptions {
  requests: number;
  seed: number;
  /** Concurrent connections (each keeps one keep-alive connection per target). */
  concurrency: number;
  /** A request unanswered for this long is a hang. */
  timeoutMs: number;
  endpoints: Record<Case['target'], Endpoint>;
  fixtures: Fixtures;
  /** Called every `every` requests; returning a reason stops the run (a child died). */
  check?: (sent: number) => string | undefined;
  every?: number;
}

export interface Finding {
  surface: string;
  target: string;
  what: string;
  /** The first bytes of the request, printable. */
  request: string;
}

export interface FuzzReport {
  sent: number;
  answered: number;
  /** Malformed requests the server closed without an answer (allowed). */
  closedMalformed: number;
  byStatus: Record<string, number>;
  bySurface: Record<string, number>;
  /** 5xx answers other than 503. */
  serverErrors: Finding[];
  /** 503 answers (allowed: overload and an unreachable upstream are answered so), per surface. */
  deliberate503: Record<string, number>;
  hangs: Finding[];
  /** Well-formed requests whose connection closed without an answer. */
  dropped: Finding[];
  stoppedBecause?: string | undefined;
  ms: number;
}

/**
 * A finding's request as text: its head whole (a 20 KB header was once the cause, and a cut at
 * 2,000 characters hid it), then at most 2,000 bytes of body.
 */
const printable = (b: Buffer) =>
  b
    .subarray(0, Math.min(b.length, headEnd(b) + 2000, 64 * 1024))
    .toString('latin1')
    .replace(/[^\x20-\x7e]/g, (c) => (c === '\r' ? '\\r' : c === '\n' ? '\\n' : '.'));

function headEnd(b: Buffer): number {
  const i = b.indexOf('\r\n\r\n');
  return i === -1 ? b.length : i + 4;
}

class Worker {
  private readonly pool = new Map<string, RawConnection>();
  constructor(private readonly o: FuzzOptions) {}

  private async connection(target: Case['target']): Promise<RawConnection> {
    const c = this.pool.get(target);
    if (c?.usable) return c;
    const fresh = await RawConnection.open(this.o.endpoints[target], this.o.timeoutMs);
    this.pool.set(target, fresh);
    return fresh;
  }

  async run(c: Case): Promise<Outcome> {
    if (c.fresh || c.plaintext) {
      const ep = { ...this.o.endpoints[c.target], ...(c.plaintext ? { tls: false } : {}) };
      const conn = await RawConnection.open(ep, this.o.timeoutMs);
      try {
        return await conn.exchange(c.bytes, c.method, this.o.timeoutMs, c.halfClose);
      } finally {
        conn.close();
      }
    }
    let conn = await this.connection(c.target);
    const reused = conn.answered > 0;
    let out = await conn.exchange(c.bytes, c.method, this.o.timeoutMs);
    // A keep-alive connection the server closed while idle: send again on a new one, as clients do.
    if (out.kind === 'closed' && reused) {
      conn.close();
      conn = await this.connection(c.target);
      out = await conn.exchange(c.bytes, c.method, this.o.timeoutMs);
    }
    if (out.kind !== 'answer' || out.headers.get('connection')?.toLowerCase() === 'close' || !conn.usable) {
      conn.close();
      this.pool.delete(c.target);
    }
    return out;
  }

  close(): void {
    for (const c of this.pool.values()) c.close();
  }
}

function note(r: FuzzReport, c: Case, out: Outcome): void {
  r.sent++;
  r.bySurface[c.surface] = (r.bySurface[c.surface] ?? 0) + 1;
  const finding = (what: string): Finding => ({
    surface: c.surface,
    target: c.target,
    what,
    request: printable(c.bytes),
  });
  if (out.kind === 'timeout') return void r.hangs.push(finding('no answer and no close'));
  if (out.kind === 'closed') {
    if (c.fresh || c.plaintext) r.closedMalformed++;
    else r.dropped.push(finding('connection closed without an answer'));
    return;
  }
  r.answered++;
  r.byStatus[out.status] = (r.byStatus[out.status] ?? 0) + 1;
  if (out.status === 503) r.deliberate503[c.surface] = (r.deliberate503[c.surface] ?? 0) + 1;
  else if (out.status >= 500 || out.status < 100) r.serverErrors.push(finding(`status ${out.status}`));
}

/** Sends `requests` generated cases with `concurrency` workers; never throws for what the server does. */
export async function fuzz(o: FuzzOptions): Promise<FuzzReport> {
  const rng = new Rng(o.seed);
  const r: FuzzReport = {
    sent: 0,
    answered: 0,
    closedMalformed: 0,
    byStatus: {},
    bySurface: {},
    serverErrors: [],
    deliberate503: {},
    hangs: [],
    dropped: [],
    ms: 0,
  };
  const started = Date.now();
  let issued = 0;
  const every = o.every ?? 1000;
  const work = async () => {
    const w = new Worker(o);
    try {
      while (issued < o.requests && r.stoppedBecause === undefined) {
        const c = nextCase(rng, o.fixtures);
        issued++;
        let out: Outcome;
        try {
          out = await w.run(c);
        } catch {
          out = { kind: 'closed' }; // refused or reset at connect
        }
        note(r, c, out);
        if (r.sent % every === 0) r.stoppedBecause ??= o.check?.(r.sent);
      }
    } finally {
      w.close();
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, work));
  r.ms = Date.now() - started;
  return r;
}
