import type { Config } from './config/schema.js';
import type { Clock } from './kernel/clock.js';
import type { Random } from './kernel/ids.js';
import type { Surface } from './kernel/http/context.js';
import type { Store } from './store/store.js';
import type { Installation } from './directory/bootstrap.js';
import type { KeyRing } from './tokens/key-ring.js';
import type { Metrics } from './ops/metrics.js';
import { Authority } from './tokens/issuers.js';
import { TokenIssuer } from './tokens/issue.js';
import { TokenVerifier } from './tokens/verify.js';
import { TokenSurface } from './tokens/http/token-surface.js';
import { OpsSurface } from './ops/ops-surface.js';
import { ArmAuthenticator, armAudiences } from './control-plane/authenticate.js';
import { ArmRouter, type ArmRoute } from './control-plane/router.js';
import { ArmSurface } from './control-plane/arm-surface.js';
import { subscriptionRoutes } from './control-plane/routes/subscriptions.js';
import { resourceGroupRoutes } from './control-plane/routes/resource-groups.js';
import { providerRoutes } from './control-plane/routes/providers.js';
import { metadataRoutes } from './control-plane/routes/metadata.js';
import { ResourceGroupService } from './resources/resource-groups.js';
import { RootOwnerAuthorizer } from './rbac/root-owner-authorizer.js';

export interface SurfaceDeps {
  cfg: Config;
  baseUrl: string;
  store: Store;
  keys: KeyRing;
  clock: Clock;
  random: Random;
  installation: Installation;
  metrics: Metrics;
}

/** The ARM route table: specific routes before scoped (`{*scope}/providers/…`) ones. */
function armRoutes(d: SurfaceDeps): ArmRoute[] {
  const routes: ArmRoute[] = [];
  routes.push(
    ...metadataRoutes({ armUrl: d.baseUrl, loginUrl: d.baseUrl, tenantId: d.installation.tenantId, dataPlaneZone: d.cfg.dataPlaneZone }),
    ...subscriptionRoutes(d.store),
    ...resourceGroupRoutes(new ResourceGroupService(d.store, d.clock), d.baseUrl),
    ...providerRoutes(() => routes),
  );
  return routes;
}

/** Builds every wire surface over the shared services; the last one (ARM) is the fallback. */
export function buildSurfaces(d: SurfaceDeps): Surface[] {
  const authority = new Authority(d.baseUrl);
  const issuer = new TokenIssuer(d.keys, authority, d.clock, d.random);
  const verifier = new TokenVerifier(d.keys, authority, d.installation.tenantId, d.clock);
  const authenticator = new ArmAuthenticator(verifier, d.store, armAudiences(d.baseUrl), authority.tenantUrl(d.installation.tenantId));
  return [
    new OpsSurface(d.store, d.metrics),
    new TokenSurface({ store: d.store, clock: d.clock, authority, keys: d.keys, issuer, appTokenLifetimeSeconds: d.cfg.appTokenLifetimeSeconds, maxBodyBytes: d.cfg.maxBodyBytes }),
    new ArmSurface({ router: new ArmRouter(armRoutes(d)), authenticator, authorizer: new RootOwnerAuthorizer(d.store), maxBodyBytes: d.cfg.maxBodyBytes }),
  ];
}
