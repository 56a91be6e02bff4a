import type { Actor, ChangeRecorder } from '../audit/changes.js';
import { changeInTransaction } from '../audit/changes-batch.js';
import type { Clock } from '../../kernel/clock.js';
import { notFound } from '../../kernel/errors.js';
import type { Store } from '../../store/store.js';

export const REVOKE_OPERATION = 'OpenMI.Tokens/revokeTokens/action';

/**
 * Revokes every token an identity holds now (Azure cannot: its tokens live ~24 h). Resources that
 * verify tokens refuse those issued at or before the revocation time; agents drop their cached
 * copies at once; new tokens can be minted right away.
 */
export class TokenRevocationService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly recorder: ChangeRecorder,
  ) {}

  /** `scope` is a user-assigned identity's id or a resource with a system-assigned identity. */
  async revoke(actor: Actor, scope: string): Promise<{ principalId: string; revokedAt: number }> {
    const principalId = await this.principalAt(scope);
    const revokedAt = this.clock.now();
    // One transaction: an acknowledged revocation always has its activity row; the hub hears of
    // it only after commit, so no verifier re-reads the store before the row is there.
    return changeInTransaction(
      { store: this.store, clock: this.clock, recorder: this.recorder },
      actor,
      async (tx, batch) => {
        await tx.tokenRevocations.put({ principalId, revokedAt, revokedBy: actor.principalId });
        batch.add(REVOKE_OPERATION, scope, { principalId, revokedAt });
        return { principalId, revokedAt };
      },
    );
  }

  private async principalAt(scope: string): Promise<string> {
    const identity = await this.store.identities.get(scope);
    if (identity) return identity.principalId;
    const resource = await this.store.computeResources.get(scope);
    if (resource?.systemPrincipalId) return resource.systemPrincipalId;
    throw notFound(`'${scope}' is neither a user-assigned identity nor a resource with a system-assigned identity.`, {
      code: 'ResourceNotFound',
    });
  }
}
