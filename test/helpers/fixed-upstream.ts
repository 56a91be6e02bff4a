import { epochSeconds, type ManualClock } from '../../src/kernel/clock.js';
import type { MintedToken, TokenUpstream } from '../../src/agent/upstream.js';

/**
 * An agent upstream that mints the same one-hour token `tok` for any resource on `clock`;
 * asking for `failFor` throws, standing for a bug behind the endpoints.
 */
export function fixedUpstream(clock: ManualClock, failFor?: string): TokenUpstream {
  return {
    mint: async (resource) => {
      if (resource === failFor) throw new Error('upstream bug');
      const now = epochSeconds(clock);
      return {
        accessToken: 'tok',
        issuedAt: now,
        expiresOn: now + 3600,
        resource,
        clientId: 'c',
        objectId: 'o',
        identityResourceId: '/x',
      } satisfies MintedToken;
    },
    instanceMetadata: async () => ({ compute: {} }),
  };
}
