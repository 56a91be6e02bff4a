import { connect, type Socket } from 'node:net';
import { createStartupMessage } from 'pg-gateway';

/** Where the gate opens sessions: host, port and the default database of --upstream. */
export interface UpstreamTarget {
  host: string;
  port: number;
  database: string;
}

/** Upstream refused the session itself (unknown role or database, too many connections): its ErrorResponse, to forward as is. */
export class UpstreamError extends Error {
  constructor(readonly response: Buffer) {
    super('upstream refused the session');
  }
}

const CONNECT_TIMEOUT_MS = 10_000;
/** An upstream ErrorResponse is short; a longer one is not PostgreSQL talking. */
const MAX_FIRST_MESSAGE = 16 * 1024;

export function upstreamTarget(url: string): UpstreamTarget {
  const u = new URL(url);
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:')
    throw new Error(`--upstream must be a postgres://host:port/database URL, got '${url}'`);
  return {
    host: decodeURIComponent(u.hostname.replace(/^\[|\]$/g, '')) || '127.0.0.1',
    port: Number(u.port) || 5432,
    database: decodeURIComponent(u.pathname.slice(1)) || 'postgres',
  };
}

/**
 * What the first upstream bytes say: AuthenticationOk (`R`, code 0) opens the session; an
 * ErrorResponse is forwarded; any other authentication request means upstream wants a password
 * from the gate, which it does not have (docs/adr/0011-postgres-gate.md: upstream trusts the gate).
 */
function firstMessage(buf: Buffer): 'more' | 'ok' | 'error' | string {
  if (buf.length < 5) return 'more';
  const len = 1 + buf.readUInt32BE(1);
  if (buf[0] === 0x45)
    return len > MAX_FIRST_MESSAGE ? 'not a PostgreSQL server' : buf.length >= len ? 'error' : 'more';
  if (buf[0] !== 0x52) return 'not a PostgreSQL server';
  if (buf.length < 9) return 'more';
  const code = buf.readUInt32BE(5);
  return code === 0
    ? 'ok'
    : `upstream asked the gate for a password (authentication request ${code}); let the gate's address sign in with trust or cert in pg_hba.conf`;
}

/**
 * Opens a session as `role` with the client's startup parameters. Resolves with the socket and the
 * bytes read so far (AuthenticationOk and what followed), which the client must receive first.
 */
export function openUpstream(
  t: UpstreamTarget,
  role: string,
  params: Record<string, string>,
): Promise<{ socket: Socket; head: Buffer }> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: t.host, port: t.port, timeout: CONNECT_TIMEOUT_MS });
    let head = Buffer.alloc(0);
    const fail = (e: Error) => (socket.destroy(), reject(e));
    socket.on('timeout', () => fail(new Error(`upstream ${t.host}:${t.port} did not answer`)));
    socket.on('error', (e) => fail(new Error(`upstream ${t.host}:${t.port}: ${e.message}`)));
    socket.on('connect', () =>
      socket.write(
        createStartupMessage({
          majorVersion: 3,
          minorVersion: 0,
          parameters: { ...params, database: params['database'] ?? t.database, user: role },
        }),
      ),
    );
    const onData = (c: Buffer) => {
      head = Buffer.concat([head, c]);
      const what = firstMessage(head);
      if (what === 'more') return;
      socket.off('data', onData);
      socket.setTimeout(0);
      socket.pause();
      if (what === 'ok') resolve({ socket, head });
      else fail(what === 'error' ? new UpstreamError(head) : new Error(what));
    };
    socket.on('data', onData);
  });
}
