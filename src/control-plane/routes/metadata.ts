import { METADATA_API_VERSIONS } from '../api-versions.js';
import type { ArmRoute } from '../router.js';

export interface CloudEndpoints {
  armUrl: string;
  loginUrl: string;
  tenantId: string;
  dataPlaneZone: string;
}

/**
 * `/metadata/endpoints`: what `az cloud register --endpoint-resource-manager` (2015-01-01, object
 * shape) and ARM_CLOUD_METADATA_URL (2022-09-01, array shape) read (spec 04 §6.2). Anonymous,
 * because clients read it before they have a token.
 */
export function metadataRoutes(e: CloudEndpoints): ArmRoute[] {
  const arm = `${e.armUrl}/`;
  const authentication = { loginEndpoint: `${e.loginUrl}/`, audiences: ['https://management.core.windows.net/', arm], tenant: 'common', identityProvider: 'AAD' };
  const legacy = { galleryEndpoint: arm, graphEndpoint: arm, portalEndpoint: `${e.armUrl}/portal/`, authentication };
  const cloud = {
    name: 'openmi',
    resourceManager: arm,
    authentication,
    graph: arm,
    microsoftGraphResourceId: arm,
    portal: `${e.armUrl}/portal/`,
    gallery: arm,
    suffixes: { keyVaultDns: `vault.${e.dataPlaneZone}`, storage: e.dataPlaneZone, acrLoginServer: `azurecr.${e.dataPlaneZone}` },
  };
  return [
    {
      pattern: '/metadata/endpoints',
      resourceType: 'metadata/endpoints',
      apiVersions: METADATA_API_VERSIONS,
      anonymous: true,
      methods: {
        GET: { action: 'none', handle: async (c) => ({ status: 200, body: c.apiVersion >= '2022-09-01' ? [cloud] : legacy }) },
      },
    },
  ];
}
