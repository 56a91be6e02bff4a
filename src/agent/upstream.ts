/**
 * What the agent asks of the openmi server (docs/agent-protocol.md). The metadata endpoints and
 * the token cache depend on this interface only; `AgentClient` implements it over HTTPS.
 */

export type { IdentitySelector, MintedToken, SelectorName } from '../wire/agent-protocol.js';
import type { IdentitySelector, MintedToken } from '../wire/agent-protocol.js';

/** The server answered and refused (4xx): the workload gets the same status, code and explanation. */
export class UpstreamRefusal extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }

  /**
   * The server's considered "no" for this identity (not attached, revoked, deleted, agent
   * removed): asking again will not change it. 408 and 429 are "not now", like an outage.
   */
  get definitive(): boolean {
    return this.status >= 400 && this.status < 500 && this.status !== 408 && this.status !== 429;
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
