import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { ArmClient } from '../../client/arm-client.js';
import { systemClock, type Clock } from '../../kernel/clock.js';
import { DataPlaneAuthenticator } from '../../server/surfaces/data-plane-auth/data-plane-auth.js';
import { JwksVerifier } from '../jwks-verifier.js';
import { RemoteAuthorizer } from '../remote-authorizer.js';
import { RemoteRevocationList } from '../revocation-list.js';
import { handlePgClient } from './pg-session.js';
import { RenewingCertificate, tlsNamesFor, type TlsPair } from './pg-tls.js';
import { upstreamTarget } from './pg-upstream.js';
import { RemoteSignInLog } from './remote-sign-ins.js';

/**
 * The audience Azure Database for PostgreSQL accepts
 * (https://learn.microsoft.com/azure/postgresql/flexible-server/how-to-connect-with-managed-identity).
 */
export const OSSRDBMS_AUDIENCE = 'https://ossrdbms-aad.database.windows.net';

export interface PgGateOptions {
  /** Signed in as the installation's admin: revocations, checkAccess, sign-in rows. */
  client: Pick<ArmClient, 'baseUrl' | 'dataDir' | 'request'>;
  upstream: string;
  resourceId: string;
  principals: { objectIdOf(role: string): Promise<string | undefined> };
  /** --tls-cert/--tls-key; absent, a certificate from the installation CA for the listen host and `tlsNames`. */
  tls?: TlsPair | undefined;
  tlsNames?: readonly string[] | undefined;
  clock?: Clock;
  audience?: string | undefined;
  host: string;
  port: number;
  onError: (e: unknown) => void;
}

/** `openmi gate postgres` as a process: the token checks of the HTTP gate, in front of PostgreSQL. */
async function tlsSource(o: PgGateOptions): Promise<{ tls: TlsPair | (() => TlsPair); stop: () => void }> {
  if (o.tls) return { tls: o.tls, stop: () => undefined };
  const cert = new RenewingCertificate({
    client: o.client,
    names: tlsNamesFor(o.host, o.tlsNames ?? []),
    clock: o.clock ?? systemClock,
    onError: o.onError,
  });
  await cert.start();
  return { tls: () => cert.current(), stop: () => cert.stop() };
}

export async function startPgGate(o: PgGateOptions): Promise<{ server: Server; audience: string }> {
  const { tenantId } = JSON.parse(readFileSync(join(o.client.dataDir, 'endpoint.json'), 'utf8')) as {
    tenantId: string;
  };
  const ca = readFileSync(join(o.client.dataDir, 'ca.pem'), 'utf8');
  const audience = o.audience ?? OSSRDBMS_AUDIENCE;
  const tls = await tlsSource(o);
  const revocations = new RemoteRevocationList(o.client, o.onError);
  await revocations.start();
  const auth = new DataPlaneAuthenticator({
    verifier: new JwksVerifier(o.client.baseUrl, tenantId, ca),
    revocations,
    authorizer: new RemoteAuthorizer(o.client),
    resource: audience,
  });
  const deps = {
    auth,
    principals: o.principals,
    signIns: new RemoteSignInLog(o.client),
    resourceId: o.resourceId,
    upstream: upstreamTarget(o.upstream),
    tls: tls.tls,
    now: Date.now,
    newId: randomUUID,
    onError: o.onError,
  };
  const server = createServer((socket) => handlePgClient(socket, deps)).on('close', tls.stop);
  await new Promise<void>((r) => server.listen(o.port, o.host, r));
  return { server, audience };
}
