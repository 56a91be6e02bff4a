import type { KeyObject } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createArmClient } from '../../../src/client/arm-client.js';
import { DataPlaneAuthenticator } from '../../../src/server/surfaces/data-plane-auth/data-plane-auth.js';
import { JwksVerifier } from '../../../src/gate/jwks-verifier.js';
import { RemoteAuthorizer } from '../../../src/gate/remote-authorizer.js';
import { RemoteRevocationList } from '../../../src/gate/revocation-list.js';
import { createGate } from '../../../src/gate/proxy.js';
import { parseGateConfig } from '../../../src/gate/rules.js';
import type { ChildServer } from '../child-server.js';
import { RawAgent } from '../raw-agent.js';
import { startAttacker } from './attacker.js';
import { parts } from './jose.js';
import type { SpecialTokens, TokenKit, Verifier } from './kit.js';
import { accessKit, agentKit, foreignKeys, workloadKit, type ForeignKeys } from './kits.js';
import { probes, type Probe } from './probes.js';
import {
  GATE_ACTION,
  GATE_AUDIENCE,
  STORAGE_AUDIENCE,
  VAULT_AUDIENCE,
  expectStatus,
  identityToken,
  loginLink,
  portalToken,
  provision,
  seedData,
  serverSigningKey,
  workloadToken,
  type Provisioned,
} from './provision.js';

/** Everything the corpus runs against, on one real server. */
export interface ForgedWorld {
  kits: Record<Verifier, TokenKit>;
  /** Real credentials each verifier must accept (fresh per call): the positive controls. */
  controls: Record<Verifier, () => Promise<string>>;
  probes: Record<Verifier, Probe>;
  /** How often the attacker's jku/x5u URLs were fetched (must stay 0). */
  attackerFetches(): number;
  close(): Promise<void>;
}

const listen = (s: Server) =>
  new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as AddressInfo).port)));

/** An enrolled agent of `vmId`. */
async function enroll(s: ChildServer, vmId: string): Promise<RawAgent> {
  const join = expectStatus(
    await s.arm('POST', `${vmId}/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`, {}),
    200,
    'join token',
  );
  const agent = new RawAgent(s);
  expectStatus(await agent.enroll(join.json.token as string), 201, 'enroll');
  return agent;
}

/** `openmi gate` in this process, in front of a trivial upstream, verifying against the child server. */
async function startGate(s: ChildServer): Promise<{ port: number; revocations: RemoteRevocationList; close(): void }> {
  const upstream = createServer((_req, res) => res.end('{"ok":true}'));
  const upstreamPort = await listen(upstream);
  const client = createArmClient({ dataDir: s.dataDir });
  const revocations = new RemoteRevocationList(client);
  await revocations.start();
  const auth = new DataPlaneAuthenticator({
    verifier: new JwksVerifier(s.server.baseUrl, s.creds.tenantId, s.ca),
    revocations,
    authorizer: new RemoteAuthorizer(client),
    resource: GATE_AUDIENCE,
  });
  const policy = parseGateConfig({ rules: [{ method: 'GET', path: '/orders/*', dataAction: GATE_ACTION }] });
  const gate = createGate({
    auth,
    policy,
    resourceId: `/subscriptions/${s.creds.subscriptionId}/resourceGroups/rg-forged/providers/Contoso.Orders/services/orders`,
    upstream: `http://127.0.0.1:${upstreamPort}`,
  });
  return { port: await listen(gate), revocations, close: () => (revocations.stop(), gate.close(), upstream.close()) };
}

const AUDIENCES = (s: ChildServer): Record<'arm' | 'keyVault' | 'blob' | 'gate', string> => ({
  arm: s.server.baseUrl,
  keyVault: VAULT_AUDIENCE,
  blob: STORAGE_AUDIENCE,
  gate: GATE_AUDIENCE,
});

/** Real tokens of the revoked and the deleted identity for every access audience, minted before revocation and deletion. */
async function doomedTokens(s: ChildServer, p: Provisioned) {
  const out = { revoked: {} as Record<string, string>, deleted: {} as Record<string, string> };
  for (const aud of Object.values(AUDIENCES(s))) {
    out.revoked[aud] = await identityToken(s, p.identities.revoked.clientId, 'forged:revoked', aud);
    out.deleted[aud] = await identityToken(s, p.identities.deleted.clientId, 'forged:deleted', aud);
  }
  return { ...out, deletedAssertion: await workloadToken(s, 'forged:deleted') };
}

/** Revokes one identity, deletes another, removes one agent and deletes the resource of another: the "revoked" and "deleted" credentials. */
async function revokeAndDelete(s: ChildServer, p: Provisioned, removedAgent: RawAgent): Promise<void> {
  expectStatus(
    await s.arm('POST', `${p.identities.revoked.id}/providers/OpenMI.Tokens/revokeTokens?api-version=2025-01-01`),
    200,
    'revokeTokens',
  );
  expectStatus(await s.arm('DELETE', `${p.identities.deleted.id}?api-version=2024-11-30`), 200, 'delete identity');
  expectStatus(await removedAgent.call('DELETE', 'self'), 204, 'agent removes itself');
  expectStatus(await s.arm('DELETE', `${p.vmDoomed}?api-version=2024-07-01`), 200, 'delete VM');
}

interface Ingredients {
  s: ChildServer;
  p: Provisioned;
  serverKey: KeyObject;
  foreign: ForeignKeys;
  doomed: Awaited<ReturnType<typeof doomedTokens>>;
  agents: { live: RawAgent; removed: RawAgent; doomed: RawAgent };
  /** Admin tokens by access verifier. */
  admin: Record<'arm' | 'keyVault' | 'blob' | 'gate', string>;
  shared: Omit<SpecialTokens, 'revoked' | 'deletedIdentity'>;
}

async function ingredients(s: ChildServer, foreign: ForeignKeys): Promise<Ingredients> {
  const serverKey = await serverSigningKey(s);
  const p = await provision(s);
  await seedData(s, p);
  const doomed = await doomedTokens(s, p);
  const agents = {
    live: await enroll(s, p.vmAgent),
    removed: await enroll(s, p.vmAgent),
    doomed: await enroll(s, p.vmDoomed),
  };
  await revokeAndDelete(s, p, agents.removed);
  const admin = {} as Ingredients['admin'];
  for (const [v, aud] of Object.entries(AUDIENCES(s)) as [keyof Ingredients['admin'], string][])
    admin[v] = await s.adminToken(aud);
  const fixed = (t: string) => () => t;
  const shared = {
    portalToken: fixed(await portalToken(s)),
    loginLinkCode: fixed(await loginLink(s)),
    workloadToken: fixed(await workloadToken(s, 'forged:fed')),
    accessToken: fixed(admin.arm),
  };
  return { s, p, serverKey, foreign, doomed, agents, admin, shared };
}

async function kitsOf(x: Ingredients): Promise<Record<Verifier, TokenKit>> {
  const { s, admin, shared, foreign, serverKey } = x;
  const tenantIssuer = String(parts(admin.arm).claims['iss']);
  const access = (v: keyof Ingredients['admin'], other: keyof Ingredients['admin']): TokenKit => {
    const aud = AUDIENCES(s)[v];
    const special: SpecialTokens = {
      ...shared,
      revoked: () => x.doomed.revoked[aud]!,
      deletedIdentity: () => x.doomed.deleted[aud]!,
    };
    return accessKit({
      serverKey,
      real: admin[v],
      audience: aud,
      tenantId: s.creds.tenantId,
      baseUrl: s.server.baseUrl,
      workloadIssuer: `${s.server.baseUrl}/openmi/workload`,
      otherAudienceToken: admin[other],
      foreign,
      special,
    });
  };
  const otherAudience = await workloadToken(s, 'forged:fed', 'api://other');
  return {
    arm: access('arm', 'keyVault'),
    graph: access('arm', 'blob'),
    keyVault: access('keyVault', 'arm'),
    blob: access('blob', 'keyVault'),
    gate: access('gate', 'blob'),
    tokenService: workloadKit({
      serverKey,
      real: shared.workloadToken(),
      subject: 'forged:fed',
      tenantIssuer,
      otherAudienceToken: otherAudience,
      foreign,
      special: { ...shared, deletedIdentity: () => x.doomed.deletedAssertion },
    }),
    agentApi: agentKit({
      agentId: x.agents.live.id,
      agentKey: x.agents.live.key.privateKey,
      audience: `${s.server.baseUrl}/openmi/agent/v1`,
      armAudience: s.server.baseUrl,
      tenantIssuer,
      foreign,
      special: {
        ...shared,
        revoked: () => x.agents.removed.assertion(),
        deletedIdentity: () => x.agents.doomed.assertion(),
      },
    }),
  };
}

/** Provisions the server, makes every credential the corpus needs, starts the gate, and builds a kit per verifier. */
export async function buildForgedWorld(s: ChildServer): Promise<ForgedWorld> {
  const attacker = await startAttacker();
  const x = await ingredients(s, foreignKeys(attacker.keys, attacker.rsa));
  const gate = await startGate(s);
  const { admin, agents, doomed, p } = x;
  const controls: ForgedWorld['controls'] = {
    arm: async () => admin.arm,
    graph: async () => admin.arm,
    keyVault: async () => admin.keyVault,
    blob: async () => admin.blob,
    gate: async () => admin.gate,
    tokenService: () => workloadToken(s, 'forged:fed'),
    agentApi: async () => agents.live.assertion(),
  };
  const clientIdFor = (c: string | null) =>
    c === doomed.deletedAssertion ? p.identities.deleted.clientId : p.identities.fed.clientId;
  return {
    kits: await kitsOf(x),
    controls,
    probes: probes({
      server: s,
      p,
      adminOid: String(parts(admin.arm).claims['oid']),
      gatePort: gate.port,
      clientIdFor,
    }),
    attackerFetches: attacker.fetches,
    close: async () => (gate.close(), await attacker.close()),
  };
}
