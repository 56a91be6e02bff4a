import type { SurfaceDeps } from './surfaces.js';
import type { ArmRoute } from './surfaces/arm/router.js';
import { subscriptionRoutes } from './surfaces/arm/routes/subscriptions.js';
import { resourceGroupRoutes } from './surfaces/arm/routes/resource-groups.js';
import { providerRoutes } from './surfaces/arm/routes/providers.js';
import { metadataRoutes } from './surfaces/arm/routes/metadata.js';
import { ResourceGroupService } from './resources/resource-groups.js';
import type { RbacAuthorizer } from './rbac/rbac-authorizer.js';
import { checkAccessRoutes } from './surfaces/arm/routes/check-access.js';
import { revocationRoutes } from './surfaces/arm/routes/revocations.js';
import type { ChangeRecorder } from './audit/changes.js';
import { UserAssignedIdentityService } from './identities/user-assigned.js';
import { FederatedCredentialService } from './identities/federated-credentials.js';
import { ComputeResourceService } from './resources/compute.js';
import { identityRoutes } from './surfaces/arm/routes/identities.js';
import { computeRoutes } from './surfaces/arm/routes/compute.js';
import { systemAssignedRoutes } from './surfaces/arm/routes/system-assigned.js';
import { msiOperationRoutes } from './surfaces/arm/routes/msi-operations.js';
import { federationRoutes } from './surfaces/arm/routes/federation.js';
import { IssuerHostPolicy } from './tokens/federation/issuer-hosts.js';
import { workloadIssuerUrl } from './tokens/federation/workload-issuer.js';
import { signingKeyRoutes } from './surfaces/arm/routes/signing-keys.js';
import { maxTokenLifetimeMs } from './tokens/rotation.js';
import { agentRoutes } from './surfaces/arm/routes/agents.js';
import type { JoinTokenService } from './agents/join-tokens.js';
import { AgentService } from './agents/agents.js';
import { TokenRevocationService } from './tokens/revocation.js';
import { LogSignInRecorder } from './audit/sign-ins.js';
import type { RoleCatalog } from './rbac/roles.js';
import { RoleAssignmentService } from './rbac/role-assignments.js';
import { RoleDefinitionService } from './rbac/role-definitions.js';
import { roleAssignmentRoutes } from './surfaces/arm/routes/role-assignments.js';
import { roleDefinitionRoutes } from './surfaces/arm/routes/role-definitions.js';
import { activityLogRoutes } from './surfaces/arm/routes/activity-log.js';
import { signInLogRoutes } from './surfaces/arm/routes/sign-in-log.js';
import { identityUsageRoutes } from './surfaces/arm/routes/identity-usage.js';
import { accessReviewRoutes } from './surfaces/arm/routes/access-review.js';
import { assignmentImpactRoutes } from './surfaces/arm/routes/assignment-impact.js';
import { keyVaultRoutes } from './surfaces/arm/routes/key-vaults.js';
import { registryRoutes } from './surfaces/arm/routes/registries.js';
import { RegistryService } from './registries/registries.js';
import { KeyVaultService } from './key-vaults/vaults.js';
import { StorageAccountService } from './storage-accounts/accounts.js';
import { LeafCertificateService } from './pki/certificate-service.js';
import { certificateRoutes } from './surfaces/arm/routes/certificates.js';
import { storageAccountRoutes } from './surfaces/arm/routes/storage-accounts.js';
import { storageServiceRoutes } from './surfaces/arm/routes/storage-services.js';
import { AccountChildren } from './storage-accounts/account-children.js';
import { resourceListRoutes } from './surfaces/arm/routes/resources.js';
import { loginLinkRoutes } from './surfaces/arm/routes/login-links.js';
import type { LoginLinkService } from './tokens/login-links.js';

/** Where OpenID discovery may connect: public hosts, the operator's allow-list, openmi itself. */
export const issuerHostPolicy = (d: SurfaceDeps) =>
  new IssuerHostPolicy(d.cfg.federationAllowedIssuerHosts ?? [], workloadIssuerUrl(d.baseUrl));

/** The ARM route table: specific routes before scoped (`{*scope}/providers/…`) ones. */
export function armRoutes(
  d: SurfaceDeps,
  authorizer: RbacAuthorizer,
  catalog: RoleCatalog,
  recorder: ChangeRecorder,
  joinTokens: JoinTokenService,
  loginLinks: LoginLinkService,
): ArmRoute[] {
  const tenantId = d.installation.tenantId;
  const identities = new UserAssignedIdentityService(d.store, d.clock, d.random, recorder, tenantId);
  const accounts = new StorageAccountService(d.store, d.clock, d.masterKey, recorder);
  const credentials = new FederatedCredentialService(d.store, d.clock, recorder, issuerHostPolicy(d));
  const compute = new ComputeResourceService(d.store, d.clock, d.random, recorder, tenantId);
  const routes: ArmRoute[] = [];
  routes.push(
    ...metadataRoutes({ armUrl: d.baseUrl, loginUrl: d.baseUrl, tenantId, dataPlaneZone: d.cfg.dataPlaneZone }),
    ...subscriptionRoutes(d.store),
    ...resourceGroupRoutes(new ResourceGroupService(d.store, d.clock, recorder), authorizer, d.baseUrl),
    ...resourceListRoutes({ store: d.store, authorizer, tenantId, baseUrl: d.baseUrl }),
    ...identityRoutes({ identities, credentials, store: d.store, authorizer, baseUrl: d.baseUrl }),
    ...computeRoutes({ compute, store: d.store, authorizer, tenantId, baseUrl: d.baseUrl }),
    ...msiOperationRoutes(),
    ...federationRoutes({
      store: d.store,
      keys: d.keys,
      clock: d.clock,
      random: d.random,
      baseUrl: d.baseUrl,
      recorder,
      pool: d.pool,
    }),
    ...signingKeyRoutes({
      keys: d.keys,
      sink: { store: d.store, clock: d.clock, recorder },
      maxTokenLifetimeMs: maxTokenLifetimeMs(d.cfg),
    }),
    // Only with a CA: tests that build surfaces without one have no certificates to issue.
    ...(d.ca
      ? certificateRoutes(new LeafCertificateService(d.ca, { store: d.store, clock: d.clock, recorder }, d.random))
      : []),
    ...agentRoutes({
      agents: new AgentService(d.store, d.clock, recorder),
      joinTokens,
      revocations: new TokenRevocationService(d.store, d.clock, recorder),
    }),
    ...assignmentImpactRoutes({ store: d.store, catalog }),
    ...roleAssignmentRoutes({
      assignments: new RoleAssignmentService(d.store, d.clock, recorder, catalog),
      baseUrl: d.baseUrl,
    }),
    ...roleDefinitionRoutes({
      definitions: new RoleDefinitionService(d.store, d.clock, recorder, catalog),
      authorizer,
      baseUrl: d.baseUrl,
    }),
    ...checkAccessRoutes(authorizer),
    ...revocationRoutes(d.store.tokenRevocations),
    ...loginLinkRoutes({ links: loginLinks, baseUrl: d.baseUrl }),
    ...activityLogRoutes({ store: d.store, baseUrl: d.baseUrl, tenantId }),
    // Not through the token metrics: a gate's report is not a token request.
    ...signInLogRoutes({
      store: d.store,
      baseUrl: d.baseUrl,
      signIns: d.audit?.signIns ?? new LogSignInRecorder(d.log),
    }),
    ...identityUsageRoutes({ store: d.store, clock: d.clock, identities }),
    ...accessReviewRoutes({ store: d.store, catalog, clock: d.clock, random: d.random, recorder, authorizer }),
    ...keyVaultRoutes({
      vaults: new KeyVaultService(d.store, d.clock, recorder, tenantId),
      authorizer,
      baseUrl: d.baseUrl,
      dataPlaneZone: d.cfg.dataPlaneZone,
    }),
    ...storageAccountRoutes({
      accounts,
      authorizer,
      baseUrl: d.baseUrl,
      dataPlaneZone: d.cfg.dataPlaneZone,
      port: Number(new URL(d.baseUrl).port) || 443,
    }),
    ...storageServiceRoutes({ children: new AccountChildren(accounts), baseUrl: d.baseUrl }),
    ...registryRoutes({
      registries: new RegistryService(d.store, d.clock, recorder),
      baseUrl: d.baseUrl,
      dataPlaneZone: d.cfg.dataPlaneZone,
    }),
    ...providerRoutes(() => routes),
    ...systemAssignedRoutes(d.store),
  );
  return routes;
}
