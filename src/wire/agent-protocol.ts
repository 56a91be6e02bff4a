/**
 * Shapes of the agent protocol (docs/agent-protocol.md) shared by the server that mints and the
 * agent that asks: one definition, so the two sides cannot drift apart.
 */

/** The ways a workload can name a user-assigned identity (IMDS, App Service and the 2017 API). */
export type SelectorName = 'client_id' | 'object_id' | 'principal_id' | 'msi_res_id' | 'mi_res_id';

export const SELECTOR_NAMES: readonly SelectorName[] = ['client_id', 'object_id', 'principal_id', 'msi_res_id', 'mi_res_id'];

export interface IdentitySelector {
  name: SelectorName;
  value: string;
}

/** A token minted for an agent's resource: the body of `POST /openmi/agent/v1/token`. */
export interface MintedToken {
  accessToken: string;
  /** Epoch seconds. */
  issuedAt: number;
  expiresOn: number;
  /** The resource exactly as requested. */
  resource: string;
  clientId: string;
  objectId: string;
  /** ARM id of the identity: the user-assigned identity, or the resource itself for system-assigned. */
  identityResourceId: string;
}
