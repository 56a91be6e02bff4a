/**
 * What the agent asks of the openmi server (docs/agent-protocol.md). The metadata endpoints and
 * the token cache depend on this interface only; `AgentClient` implements it over HTTPS.
 */

/** The ways a workload can name a user-assigned identity (IMDS, App Service and the 2017 API). */
export type SelectorName = 'client_id' | 'object_id' | 'principal_id' | 'msi_res_id' | 'mi_res_id';

export interface IdentitySelector {
  name: SelectorName;
  value: string;
}

/** A token minted by the server for this agent's resource. */
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

/** The server answered and refused (4xx): the workload gets the same status, code and explanation. */
export class UpstreamRefusal extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** The server could not be reached, timed out or failed (5xx). */
export class UpstreamUnavailable extends Error {}

export interface TokenUpstream {
  mint(resource: string, selector: IdentitySelector | undefined, correlationId: string): Promise<MintedToken>;
  /** The IMDS `/metadata/instance` document of this agent's resource. */
  instanceMetadata(correlationId: string): Promise<Record<string, unknown>>;
}

/**
 * Pushed by the server when identities or attachments change: drop cached tokens whose identity
 * (ARM id, object id or client id) is in `ids`, or every token when this agent's own resource is.
 */
export interface Invalidation {
  ids: string[];
}
