import { connect, type Socket } from 'node:net';

/**
 * For tests only: a sustained load of plain-HTTP GETs over keep-alive connections, each holding
 * `depth` pipelined requests in flight (HTTP/1.1 pipelining, which node:http servers answer in
 * order). Much cheaper per request than node:http's client, so one test process can drive an
 * agent at thousands of requests a second. Responses must carry a Content-Length.
 */
export interface LoadOptions {
  /** Request targets (path and query), sent in turn. */
  targets: readonly string[];
  host: string;
  port: number;
  headers: Record<string, string>;
  connections: number;
  depth: number;
  durationMs: number;
  /** Goes on past durationMs until this many are answered (a slow machine still gets the volume), for at most maxMs. */
  minRequests?: number;
  maxMs?: number;
}

/** Parses answers off one connection as they arrive: status of each, in order. */
class ResponseReader {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly onStatus: (status: number) => void) {}

  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const end = this.buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = this.buf.subarray(0, end).toString('latin1');
      const length = Number(/\r\ncontent-length:\s*(\d+)/i.exec(head)?.[1]);
      if (!Number.isFinite(length)) throw new Error(`an answer without Content-Length: ${head.slice(0, 200)}`);
      if (this.buf.length < end + 4 + length) return;
      this.buf = this.buf.subarray(end + 4 + length);
      this.onStatus(Number(head.slice(9, 12)));
    }
  }
}

/** One connection: keeps `depth` requests in flight until the deadline, then waits for the last answers. */
function runConnection(
  o: LoadOptions,
  running: () => boolean,
  count: (status: number) => void,
  offset: number,
): Promise<void> {
  const headers = Object.entries({ host: `${o.host}:${o.port}`, ...o.headers })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('');
  const requests = o.targets.map((t) => Buffer.from(`GET ${t} HTTP/1.1\r\n${headers}\r\n`, 'latin1'));
  return new Promise((resolve, reject) => {
    const socket: Socket = connect(o.port, o.host);
    socket.setNoDelay(true);
    let sent = 0;
    let answered = 0;
    const send = (n: number) =>
      n > 0 &&
      socket.write(Buffer.concat(Array.from({ length: n }, () => requests[(offset + sent++) % requests.length]!)));
    const reader = new ResponseReader((status) => {
      count(status);
      answered += 1;
    });
    socket.on('connect', () => send(o.depth));
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (err) {
        return void socket.destroy(err as Error);
      }
      // Refills what this chunk answered, in one write; after the deadline, ends once all are answered.
      if (running()) send(o.depth - (sent - answered));
      else if (answered === sent) socket.end();
    });
    socket.on('error', reject);
    socket.on('close', () =>
      answered === sent
        ? resolve()
        : reject(new Error(`connection closed with ${sent - answered} requests unanswered`)),
    );
  });
}

/** Drives the load; how many requests were answered, by status, and for how long. */
export async function httpLoad(o: LoadOptions): Promise<{ statuses: Map<number, number>; ms: number }> {
  const statuses = new Map<number, number>();
  let answered = 0;
  const count = (status: number) => (statuses.set(status, (statuses.get(status) ?? 0) + 1), (answered += 1));
  const start = Date.now();
  const running = () => {
    const ms = Date.now() - start;
    return ms < o.durationMs || (answered < (o.minRequests ?? 0) && ms < (o.maxMs ?? o.durationMs));
  };
  await Promise.all(Array.from({ length: o.connections }, (_, i) => runConnection(o, running, count, i)));
  return { statuses, ms: Date.now() - start };
}
