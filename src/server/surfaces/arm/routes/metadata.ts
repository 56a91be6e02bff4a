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
 * shape) and ARM_CLOUD_METADATA_URL (2022-09-01, array shape) read (docs/wire/arm.md). Anonymous,
 * because clients read it before they have a token.
 */
export function metadataRoutes(e: CloudEndpoints): ArmRoute[] {
  const arm = `${e.armUrl}/`;
  // The ADFS-style authority: MSAL (and so `az login --service-principal`, which cannot turn
  // instance discovery off) talks to it without first asking login.microsoftonline.com.
  const authentication = {
    loginEndpoint: `${e.loginUrl}/adfs`,
    audiences: ['https://management.core.windows.net/', arm],
    tenant: 'adfs',
    identityProvider: 'ADFS',
  };
  const legacy = { galleryEndpoint: arm, graphEndpoint: arm, portalEndpoint: `${e.armUrl}/portal/`, authentication };
  const cloud = {
    name: 'openmi',
    resourceManager: arm,
    authentication,
    graph: arm,
    // The Azure CLI reads its Graph resource from graphAudience; without it commands that look up principals stop.
    graphAudience: arm,
    microsoftGraphResourceId: arm,
    portal: `${e.armUrl}/portal/`,
    gallery: arm,
    suffixes: {
      keyVaultDns: `vault.${e.dataPlaneZone}`,
      storage: e.dataPlaneZone,
      acrLoginServer: `azurecr.${e.dataPlaneZone}`,
    },
  };
  return [
    {
      pattern: '/metadata/endpoints',
      resourceType: 'metadata/endpoints',
      apiVersions: METADATA_API_VERSIONS,
      anonymous: true,
      methods: {
        GET: {
          action: 'none',
          handle: async (c) => ({ status: 200, body: c.apiVersion >= '2022-09-01' ? [cloud] : legacy }),
        },
      },
    },
  ];
}
