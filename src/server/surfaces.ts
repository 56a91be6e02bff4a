import type { Config } from '../config/schema.js';
import type { Clock } from '../kernel/clock.js';
import type { Random } from '../kernel/ids.js';
import type { Surface } from '../kernel/http/context.js';
import type { Store } from '../store/store.js';
import type { Installation } from './directory/bootstrap.js';
import type { KeyRing } from './tokens/key-ring.js';
import type { Metrics } from './surfaces/ops/metrics.js';
import type { SigningPool } from './tokens/jwt/signing-pool.js';
import { Authority } from './tokens/issuers.js';
import { countingSignIns, TimedTokenIssuer } from './surfaces/ops/token-metrics.js';
import { TokenVerifier } from './tokens/verify.js';
import { TokenSurface } from './surfaces/oauth/token-surface.js';
import { OpsSurface } from './surfaces/ops/ops-surface.js';
import { GraphSurface } from './surfaces/graph/graph-surface.js';
import { GroupService } from './directory/groups.js';
import { ArmAuthenticator, armAudiences } from './surfaces/arm/authenticate.js';
import { ArmRouter } from './surfaces/arm/router.js';
import { ArmSurface } from './surfaces/arm/arm-surface.js';
import { RbacAuthorizer } from './rbac/rbac-authorizer.js';
import type { ChangeRecorder } from './audit/changes.js';
import { LogChangeRecorder } from './audit/log-recorder.js';
import type { Logger } from '../kernel/log.js';
import type { GuardedFetchOptions } from './tokens/federation/https-json.js';
import { InvalidationHub } from './agents/invalidation-hub.js';
import { JoinTokenService } from './agents/join-tokens.js';
import { AgentEnrollment } from './agents/enrollment.js';
import { AgentAuthenticator } from './agents/assertion.js';
import { ManagedIdentityMinter } from './agents/mint.js';
import { observeAgentSignIns } from './agents/agent-sign-ins.js';
import { AgentSurface } from './surfaces/agent-api/agent-surface.js';
import { LogSignInRecorder, type SignInRecorder } from './audit/sign-ins.js';
import { BuiltinAndCustomRoleCatalog } from './rbac/role-catalog.js';
import type { AuditLogs } from './audit/audit-logs.js';
import { RegistryService } from './registries/registries.js';
import { RegistryJwt } from './registries/registry-jwt.js';
import { REGISTRY_AUDIENCES, RegistryTokenService } from './registries/registry-tokens.js';
import { RegistrySurface } from './surfaces/registry/registry-surface.js';
import { DataPlaneAuthenticator } from './surfaces/data-plane-auth/data-plane-auth.js';
import { RevocationCache } from './surfaces/data-plane-auth/revocation-cache.js';
import { SecretService } from './key-vaults/secrets.js';
import type { IssuingCa } from './pki/ca.js';
import { KeyService } from './key-vaults/keys.js';
import { KeyRotation } from './key-vaults/key-rotation.js';
import { CertificateService } from './key-vaults/certificates.js';
import { AZURE_VAULT_RESOURCE, VaultSurface, vaultResource } from './surfaces/keyvault/vault-surface.js';
import { StorageAccountService } from './storage-accounts/accounts.js';
import { BlobSurface, STORAGE_RESOURCE } from './surfaces/blob/blob-surface.js';
import { DfsSurface } from './surfaces/dfs/dfs-surface.js';
import { PathAccessService } from './datalake/access.js';
import { QueueSurface } from './surfaces/queue/queue-surface.js';
import { TableSurface } from './surfaces/table/table-surface.js';
import { LoginLinkService } from './tokens/login-links.js';
import { PortalSurface } from './surfaces/portal/portal-surface.js';
import { TokenBuckets } from '../kernel/token-buckets.js';
import { armRoutes, issuerHostPolicy } from './arm-routes.js';

export interface SurfaceDeps {
  cfg: Config;
  baseUrl: string;
  /** This node's own https://host:port; with a shared public URL, audiences name either (docs/operations.md). */
  ownUrl?: string;
  store: Store;
  keys: KeyRing;
  clock: Clock;
  random: Random;
  installation: Installation;
  metrics: Metrics;
  log: Logger;
  /** Seals data-plane secrets at rest (Key Vault values). */
  masterKey: Buffer;
  /** The installation's CA: Key Vault certificates issued by `openmi` chain to it; absent, only self-signed ones. */
  ca?: IssuingCa;
  /** Token signatures go to these worker threads; absent, they are made on the event loop. */
  pool?: SigningPool | undefined;
  /** The persisted activity and sign-in logs; absent, sign-ins are only logged. */
  audit?: AuditLogs;
  /** Trust anchors and bounds of OpenID discovery fetches (tests: a local CA, short timeouts). */
  federationFetch?: Omit<GuardedFetchOptions, 'policy'> | undefined;
  /** The installation's registry token signing certificate and key, the same on every node (docs/registries.md). */
  registrySigning: { certPem: string; keyPem: string };
}

/** The public URL and the node's own (when it differs): what an audience naming this server may say. */
const ownUrls = (d: SurfaceDeps): string[] => [...new Set([d.baseUrl, d.ownUrl ?? d.baseUrl])];
/** Builds every wire surface over the shared services; the last one (ARM) is the fallback. */
export function buildSurfaces(d: SurfaceDeps): Surface[] {
  const authority = new Authority(d.baseUrl);
  const issuer = new TimedTokenIssuer(d.metrics.tokens, d.keys, authority, d.clock, d.random, d.pool);
  const verifier = new TokenVerifier(d.keys, authority, d.installation.tenantId, d.clock);
  const catalog = new BuiltinAndCustomRoleCatalog(d.store);
  const authorizer = new RbacAuthorizer(d.store, catalog, d.metrics, d.audit?.permissions);
  const hub = new InvalidationHub(new LogChangeRecorder(d.log), d.store.changes);
  const recorder: ChangeRecorder = hub;
  const signIns: SignInRecorder = countingSignIns(d.audit?.signIns ?? new LogSignInRecorder(d.log), d.metrics.tokens);
  const joinTokens = new JoinTokenService(d.store, d.clock, d.random, recorder, d.cfg.joinTokensPerResource);
  // Bursts of twice the rate (docs/config.md): a client starting up may fetch several tokens at once.
  const perAgent = new TokenBuckets(
    { perSecond: d.cfg.agentTokenRequestsPerSecond, burst: 2 * d.cfg.agentTokenRequestsPerSecond },
    d.clock,
  );
  const perClient = new TokenBuckets(
    { perSecond: d.cfg.tokenRequestsPerSecondPerClient, burst: 2 * d.cfg.tokenRequestsPerSecondPerClient },
    d.clock,
  );
  const loginLinks = new LoginLinkService(d.store, d.clock, d.random, recorder);
  const agents = new AgentSurface({
    store: d.store,
    hub,
    signIns,
    enrollment: new AgentEnrollment(d.store, joinTokens, d.clock, d.random),
    authenticator: new AgentAuthenticator(
      d.store,
      d.clock,
      ownUrls(d).map((u) => `${u}/openmi/agent/v1`),
    ),
    minter: new ManagedIdentityMinter(
      d.store,
      issuer,
      d.clock,
      d.cfg.managedIdentityTokenLifetimeSeconds,
      signIns,
      perAgent,
    ),
    observeSignIns: (upload, agent) => observeAgentSignIns(upload, agent, d.metrics, d.log),
  });
  // One revocation list for every verifier in this process (ARM, Graph, Key Vault, Blob); the hub
  // marks principals revoked here (revokeTokens, identity deletion) so the next request sees them.
  const revocations = new RevocationCache(d.store.tokenRevocations, d.clock);
  hub.subscribe((ids) => revocations.invalidate(ids));
  hub.onResync(() => revocations.forgetAll());
  // Other nodes' invalidations reach this node's agents and revocation list like local ones.
  // The subscription ends with the store (closed last by the app).
  hub.connect();
  const authenticator = new ArmAuthenticator(
    verifier,
    revocations,
    d.store,
    armAudiences(ownUrls(d)),
    authority.tenantUrl(d.installation.tenantId),
  );
  // Vault URLs carry the server's port (vaultUri), so the challenge's resource does too; tokens for the portless spelling stay valid.
  const vaultAudience = vaultResource(d.cfg.dataPlaneZone, new URL(d.baseUrl).port);
  const vault = new VaultSurface({
    store: d.store,
    auth: new DataPlaneAuthenticator({
      verifier,
      revocations,
      authorizer,
      resource: vaultAudience,
      alsoAccept: [vaultResource(d.cfg.dataPlaneZone), AZURE_VAULT_RESOURCE],
    }),
    resource: vaultAudience,
    ...vaultObjects(d),
    zone: d.cfg.dataPlaneZone,
    authorityUrl: authority.tenantUrl(d.installation.tenantId),
    maxBodyBytes: d.cfg.maxBodyBytes,
  });
  const storage = {
    store: d.store,
    clock: d.clock,
    accounts: new StorageAccountService(d.store, d.clock, d.masterKey, recorder),
    authorizer,
    bearer: new DataPlaneAuthenticator({ verifier, revocations, authorizer, resource: STORAGE_RESOURCE }),
    access: new PathAccessService(d.store),
    zone: d.cfg.dataPlaneZone,
    tenantId: d.installation.tenantId,
    loginUrl: d.baseUrl,
  };
  const blob = new BlobSurface(storage);
  const registry = new RegistrySurface(
    new RegistryTokenService({
      registries: new RegistryService(d.store, d.clock, recorder),
      verifier,
      revocations,
      authorizer,
      jwt: new RegistryJwt(d.registrySigning, d.clock),
      audiences: [...REGISTRY_AUDIENCES, ...armAudiences(ownUrls(d))],
      clock: d.clock,
      random: d.random,
      signIns,
      issuer: d.baseUrl,
    }),
  );
  return [
    vault,
    blob,
    new DfsSurface({ ...storage, blob }),
    new QueueSurface({ ...storage, random: d.random }),
    new TableSurface({ ...storage, random: d.random }),
    registry,
    new OpsSurface(d.store, d.metrics),
    // Before the path-matching API surfaces: everything under /portal is the static UI.
    new PortalSurface(),
    agents,
    new GraphSurface({
      store: d.store,
      authenticator,
      groups: new GroupService(d.store, d.clock, recorder, d.random, authorizer, d.installation.tenantId),
      authorizer,
      baseUrl: d.baseUrl,
    }),
    new TokenSurface({
      store: d.store,
      clock: d.clock,
      authority,
      keys: d.keys,
      issuer,
      appTokenLifetimeSeconds: d.cfg.appTokenLifetimeSeconds,
      managedIdentityTokenLifetimeSeconds: d.cfg.managedIdentityTokenLifetimeSeconds,
      maxBodyBytes: d.cfg.maxBodyBytes,
      signIns,
      loginLinks,
      perClient,
      adfsTenantId: d.installation.tenantId,
      issuerDiscovery: {
        policy: issuerHostPolicy(d),
        log: d.log,
        ...(d.federationFetch ? { fetch: d.federationFetch } : {}),
      },
    }),
    new ArmSurface({
      router: new ArmRouter(armRoutes(d, authorizer, catalog, recorder, joinTokens, loginLinks)),
      authenticator,
      authorizer,
      maxBodyBytes: d.cfg.maxBodyBytes,
      ...(d.audit ? { failures: d.audit.failures } : {}),
    }),
  ];
}

/** Secrets, keys and certificates of vaults: certificates keep their key and secret in the other two. */
function vaultObjects(d: SurfaceDeps) {
  const secrets = new SecretService(d.store, d.masterKey, d.clock);
  const keys = new KeyService(d.store, d.masterKey, d.clock);
  const rotation = new KeyRotation(d.store, keys, d.clock);
  return { secrets, keys, rotation, certificates: new CertificateService(d.store, d.clock, keys, secrets, d.ca) };
}
