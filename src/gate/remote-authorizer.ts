import type { AccessDecision, Authorizer } from '../server/rbac/authorizer.js';
import type { ArmClient } from '../client/arm-client.js';
import { CHECK_ACCESS_PATH, type CheckAccessRequest, type CheckAccessWire } from '../wire/authorization.js';

/** RBAC decisions from the server's checkAccess API, so the gate never needs the store. */
export class RemoteAuthorizer implements Authorizer {
  constructor(private readonly client: Pick<ArmClient, 'request'>) {}

  async check(
    principalId: string,
    action: string,
    scope: string,
    kind: 'action' | 'dataAction' = 'action',
  ): Promise<AccessDecision> {
    // Each question decides a request the gate serves: the server counts allowed ones as usage.
    const body: CheckAccessRequest =
      kind === 'action'
        ? { principalId, scope, action, recordUsage: true }
        : { principalId, scope, dataAction: action, recordUsage: true };
    const r = await this.client.request<CheckAccessWire>('POST', `${CHECK_ACCESS_PATH}?api-version=2025-01-01`, body);
    return { allowed: r.allowed === true, reason: r.reason };
  }
}
