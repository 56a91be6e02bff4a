import type { TokenRevocationRepo } from '../../../../store/store.js';
import { OPENMI_API_VERSIONS } from '../api-versions.js';
import type { ArmRoute } from '../router.js';
import { REVOCATIONS_PATH, type RevocationWire } from '../../../../wire/authorization.js';

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
            const value = all.map((r): RevocationWire => ({
              principalId: r.principalId,
              revokedAt: new Date(r.revokedAt).toISOString(),
            }));
            return { status: 200, body: { value } };
          },
        },
      },
    },
  ];
}
