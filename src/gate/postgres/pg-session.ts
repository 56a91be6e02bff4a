import type { Socket } from 'node:net';
import { PostgresConnection } from 'pg-gateway';
import {
  DataPlaneAuthError,
  type DataPlaneAuthenticator,
  type DataPlaneCaller,
} from '../../server/surfaces/data-plane-auth/data-plane-auth.js';
import type { GateSignInReport } from '../../wire/sign-ins.js';
import { openUpstream, UpstreamError, type UpstreamTarget } from './pg-upstream.js';

/**
 * The data action that lets an identity sign in at all (docs/adr/0011-postgres-gate.md). Azure
 * has no RBAC action for database sign-in; openmi names one in Azure's namespace for the type.
 */
export const PG_LOGIN_DATA_ACTION = 'Microsoft.DBforPostgreSQL/flexibleServers/login/action';

/** TLS handshake plus startup plus a token is a few KiB; more before sign-in is not a client. */
const MAX_BYTES_BEFORE_SIGN_IN = 64 * 1024;
const SIGN_IN_TIMEOUT_MS = 30_000;

export interface PgGateDeps {
  auth: Pick<DataPlaneAuthenticator, 'authenticate' | 'authorize' | 'resource'>;
  principals: { objectIdOf(role: string): Promise<string | undefined> };
  signIns: { report(r: GateSignInReport): Promise<void> };
  resourceId: string;
  upstream: UpstreamTarget;
  /** A fixed pair (--tls-cert/--tls-key), or the renewing one from the installation CA, asked per handshake. */
  tls: { key: Buffer; cert: Buffer } | (() => { key: Buffer; cert: Buffer });
  now: () => number;
  newId: () => string;
  onError: (e: unknown) => void;
}

/** A refusal in PostgreSQL's terms: SQLSTATE 28P01 (bad password: the token) or 28000 (not allowed). */
class Refusal extends Error {
  constructor(
    readonly sqlState: '28P01' | '28000',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

function refusalOf(e: unknown): Refusal {
  if (e instanceof Refusal) return e;
  if (e instanceof DataPlaneAuthError)
    return e.status === 403
      ? new Refusal('28000', e.code, e.message)
      : new Refusal('28P01', e.code, `${e.message} The password must be an access token for the gate's audience.`);
  return new Refusal('28000', 'upstream_unavailable', `the gate could not open the session: ${(e as Error).message}`);
}

/** The password message (`p`, length, C string) as text. */
const passwordOf = (data: Uint8Array): string =>
  Buffer.from(data.subarray(5, data[data.length - 1] === 0 ? data.length - 1 : data.length)).toString('utf8');

async function admit(d: PgGateDeps, role: string, token: string): Promise<{ caller: DataPlaneCaller }> {
  const caller = await d.auth.authenticate(`Bearer ${token}`);
  const mapped = await d.principals.objectIdOf(role);
  if (!mapped)
    throw new Refusal(
      '28000',
      'no_mapping',
      `role "${role}" is not mapped to an identity; map it with: openmi gate postgres map --role ${role} --identity ${caller.principalId} --upstream <url>`,
    );
  if (mapped !== caller.principalId.toLowerCase())
    throw new Refusal(
      '28000',
      'identity_mismatch',
      `role "${role}" is mapped to identity ${mapped}, not to the token's identity ${caller.principalId}`,
    );
  await d.auth.authorize(caller, PG_LOGIN_DATA_ACTION, d.resourceId);
  return { caller };
}

function relay(client: Socket, upstream: Socket, head: Buffer): void {
  const close = () => (client.destroy(), upstream.destroy());
  client.on('error', close).on('close', close);
  upstream.on('error', close).on('close', close);
  client.write(head);
  client.pipe(upstream);
  upstream.pipe(client);
  upstream.resume();
  client.resume();
}

interface Attempt {
  at: number;
  correlationId: string;
  caller?: DataPlaneCaller;
}

function reportOf(d: PgGateDeps, a: Attempt, refusal?: Refusal): GateSignInReport {
  return {
    at: a.at,
    correlationId: a.correlationId,
    principalId: a.caller?.principalId ?? null,
    clientId: a.caller?.clientId ?? null,
    identityResourceId: a.caller?.identityResourceId ?? null,
    resourceId: d.resourceId,
    audience: d.auth.resource,
    result: refusal ? 'failure' : 'success',
    errorCode: refusal?.code ?? null,
    reason: refusal?.message ?? null,
    latencyMs: d.now() - a.at,
  };
}

/**
 * Verifies the token given as the password, maps and authorizes the identity, opens the upstream
 * session as the role, logs the sign-in, and only then hands the client to upstream. A sign-in
 * that cannot be logged is refused: every session must have its row.
 */
async function signIn(conn: PostgresConnection, data: Uint8Array, d: PgGateDeps): Promise<void> {
  const a: Attempt = { at: d.now(), correlationId: d.newId() };
  const params = conn.clientInfo!.parameters;
  let upstream: { socket: Socket; head: Buffer } | undefined;
  try {
    a.caller = (await admit(d, params.user, passwordOf(data))).caller;
    upstream = await openUpstream(d.upstream, params.user, params);
    await d.signIns.report(reportOf(d, a));
    relay(conn.detach(), upstream.socket, upstream.head);
  } catch (e) {
    upstream?.socket.destroy();
    const upstreamSaid = e instanceof UpstreamError ? e.response : undefined;
    const r = upstreamSaid ? new Refusal('28000', 'upstream_refused', 'upstream refused the session') : refusalOf(e);
    await d.signIns.report(reportOf(d, a, r)).catch(d.onError);
    if (upstreamSaid) conn.sendData(upstreamSaid);
    else conn.sendError({ severity: 'FATAL', code: r.sqlState, message: r.message });
    conn.socket.end();
  }
}

/** Serves one client connection: TLS required, cleartext password (the token), then the relay. */
export function handlePgClient(socket: Socket, d: PgGateDeps): void {
  let seen = 0;
  const count = (c: Buffer) => {
    seen += c.length;
    if (seen > MAX_BYTES_BEFORE_SIGN_IN) socket.destroy();
  };
  const timer = setTimeout(() => socket.destroy(), SIGN_IN_TIMEOUT_MS);
  const done = () => (clearTimeout(timer), socket.off('data', count), conn.secureSocket?.off('data', count));
  socket
    .on('data', count)
    .on('close', done)
    .on('error', () => undefined);
  const conn: PostgresConnection = new PostgresConnection(socket, {
    authMode: 'cleartextPassword',
    tls: d.tls,
    // After the handshake the raw socket carries no more 'data' events: count the decrypted bytes.
    onTlsUpgrade: () => void conn.secureSocket?.on('data', count).on('error', () => undefined),
    onStartup: (state) => {
      if (state.tlsInfo) return false;
      // The password is a bearer token: never over plaintext.
      conn.sendError({
        severity: 'FATAL',
        code: '28000',
        message: 'openmi gate postgres accepts TLS connections only; connect with sslmode=require',
      });
      conn.socket.end();
      return true;
    },
    onMessage: async (data, state) => {
      if (!state.hasStarted || state.isAuthenticated || data[0] !== 0x70) return false;
      await signIn(conn, data, d).finally(done);
      return true;
    },
  });
}
