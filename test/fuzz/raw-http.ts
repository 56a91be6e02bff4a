import { connect as netConnect, type Socket } from 'node:net';
import { connect as tlsConnect, type TLSSocket } from 'node:tls';

/**
 * A raw HTTP/1.1 client for the fuzz suite: it writes exactly the bytes it is given (so it can
 * send what no HTTP library would) and reads back only what it needs to judge the answer — the
 * status, the headers and where the response ends — over TLS or plain TCP.
 */
export interface Endpoint {
  host: string;
  port: number;
  tls: boolean;
}

export type Outcome =
  | { kind: 'answer'; status: number; headers: Map<string, string>; body: Buffer }
  | { kind: 'closed' } // the server closed the connection without answering
  | { kind: 'timeout' };

type Head = { status: number; headers: Map<string, string>; headerEnd: number };

function parseHead(buf: Buffer): Head | undefined {
  const end = buf.indexOf('\r\n\r\n');
  if (end === -1) return undefined;
  const lines = buf.subarray(0, end).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '');
  const headers = new Map<string, string>();
  for (const l of lines.slice(1)) {
    const i = l.indexOf(':');
    if (i > 0) headers.set(l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim());
  }
  return { status: m ? Number(m[1]) : 0, headers, headerEnd: end + 4 };
}

/** Where a chunked body ends (after the last chunk and the trailer), or -1 if not yet received. */
function chunkedEnd(buf: Buffer, from: number): number {
  let at = from;
  for (;;) {
    const eol = buf.indexOf('\r\n', at);
    if (eol === -1) return -1;
    const size = parseInt(buf.subarray(at, eol).toString('latin1'), 16);
    if (Number.isNaN(size)) return -1;
    if (size === 0) {
      const trailerEnd = buf.indexOf('\r\n\r\n', eol);
      const direct = buf.subarray(eol + 2, eol + 4).toString('latin1') === '\r\n' ? eol + 4 : -1;
      return direct !== -1 ? direct : trailerEnd === -1 ? -1 : trailerEnd + 4;
    }
    at = eol + 2 + size + 2;
    if (at > buf.length) return -1;
  }
}

/** Bytes of a complete response at the front of `buf`, or -1; `closed` means the peer has ended. */
function responseLength(buf: Buffer, head: Head, method: string, closed: boolean): number {
  const { status, headers, headerEnd } = head;
  if (method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200)) return headerEnd;
  if ((headers.get('transfer-encoding') ?? '').toLowerCase().includes('chunked')) return chunkedEnd(buf, headerEnd);
  const length = headers.get('content-length');
  if (length !== undefined) return buf.length - headerEnd >= Number(length) ? headerEnd + Number(length) : -1;
  return closed ? buf.length : -1;
}

/** One connection; requests on it are sent one at a time and answered in order. */
export class RawConnection {
  private buf: Buffer = Buffer.alloc(0);
  private closed = false;
  private waiter: (() => void) | undefined;
  /** Responses read on this connection; a reused connection may have been closed while idle. */
  answered = 0;

  private constructor(readonly socket: Socket | TLSSocket) {
    socket.on('data', (d: Buffer) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.waiter?.();
    });
    const onClose = () => {
      this.closed = true;
      this.waiter?.();
    };
    socket.on('error', onClose);
    socket.on('close', onClose);
    socket.on('end', onClose);
  }

  static open(ep: Endpoint, timeoutMs: number, session?: Buffer): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = ep.tls
        ? tlsConnect({
            host: ep.host,
            port: ep.port,
            rejectUnauthorized: false,
            servername: 'localhost',
            ...(session ? { session } : {}),
          })
        : netConnect({ host: ep.host, port: ep.port });
      const timer = setTimeout(() => socket.destroy(new Error('connect timed out')), timeoutMs);
      socket.once(ep.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        resolve(new RawConnection(socket));
      });
      socket.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
  }

  get usable(): boolean {
    return !this.closed && !this.socket.destroyed;
  }

  /** Writes the request, optionally half-closes, and waits for one response (1xx skipped). */
  async exchange(bytes: Buffer, method: string, timeoutMs: number, halfClose = false): Promise<Outcome> {
    this.socket.write(bytes);
    if (halfClose) this.socket.end();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const head = parseHead(this.buf);
      if (head) {
        const n = responseLength(this.buf, head, method, this.closed);
        if (n !== -1) {
          const body = this.buf.subarray(head.headerEnd, n);
          this.buf = this.buf.subarray(n);
          if (head.status >= 100 && head.status < 200) continue;
          this.answered++;
          return { kind: 'answer', status: head.status, headers: head.headers, body };
        }
      }
      if (this.closed) return { kind: 'closed' };
      const left = deadline - Date.now();
      if (left <= 0) return { kind: 'timeout' };
      await new Promise<void>((r) => {
        const t = setTimeout(r, left);
        this.waiter = () => {
          clearTimeout(t);
          r();
        };
      });
      this.waiter = undefined;
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
