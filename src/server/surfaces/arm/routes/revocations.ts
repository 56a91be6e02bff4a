import type { TokenRevocationRepo } from '../../../../store/store.js';
import { OPENMI_API_VERSIONS } from '../api-versions.js';
import type { ArmRoute } from '../router.js';

export const REVOCATIONS_PATH = '/providers/OpenMI.Tokens/revocations';

/**
 * The tenant's token revocations, for verifiers outside the server (openmi gate, users' services)
 * that must refuse tokens issued at or before a principal's revocation time.
 */
export function revocationRoutes(revocations: Pick<TokenRevocationRepo, 'list'>): ArmRoute[] {
  return [
    {
      pattern: REVOCATIONS_PATH,
      resourceType: 'OpenMI.Tokens/revocations',
      apiVersions: OPENMI_API_VERSIONS,
      methods: {
        GET: {
          action: 'OpenMI.Tokens/revocations/read',
          handle: async () => {
            const all = await revocations.list();
            return { status: 200, body: { value: all.map((r) => ({ principalId: r.principalId, revokedAt: new Date(r.revokedAt).toISOString() })) } };
          },
        },
      },
    },
  ];
}
