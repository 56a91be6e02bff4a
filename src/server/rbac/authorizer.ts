/** The outcome of an access check, always with a sentence that explains it. */
export interface AccessDecision {
  allowed: boolean;
  reason: string;
}

/**
 * Answers "may this principal perform this action at this scope?". The control plane asks it on
 * every operation, in one place (src/server/surfaces/arm/arm-surface.ts).
 */
export interface Authorizer {
  /** `action` is a control-plane action (Microsoft.X/y/write) unless `kind` is 'dataAction'. */
  check(principalId: string, action: string, scope: string, kind?: 'action' | 'dataAction'): Promise<AccessDecision>;
}
