/** openmi's agent administration (OpenMI.Agents): join tokens and the agents they enrolled (docs/agent-protocol.md). */

/** Body of `POST {resourceId}/providers/OpenMI.Agents/joinTokens`. */
export interface JoinTokenRequest {
  /** An agent enrolled with it expires with the token's agent lifetime (`openmi run`). */
  ephemeral?: boolean;
  expiresInSeconds?: number;
}

/** The answer: `token` is shown once and never stored in the clear. */
export interface JoinTokenWire {
  token: string;
  resourceId: string;
  expiresOn: string;
  ephemeral: boolean;
}

export interface AgentWire {
  id: string;
  name: string;
  type: string;
  properties: {
    resourceId: string;
    hostname: string;
    createdAt: string | null;
    expiresAt: string | null;
    ephemeral: boolean;
  };
}
