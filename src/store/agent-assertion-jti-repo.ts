/** The `jti`s of accepted agent assertions, until they expire (docs/agent-protocol.md, "Replay"). */
export interface AgentAssertionJtiRepo {
  /**
   * Records the first use of `jti` by `agentId`, kept until `expiresAt` (epoch ms): insert-if-absent
   * as a compare-and-set, exact on both ids. True for the first claim; false for every later
   * one, racing or not, from any node on the same store, until the row is deleted.
   */
  claim(agentId: string, jti: string, expiresAt: number): Promise<boolean>;
  /** Deletes rows whose expiresAt <= now; returns how many. */
  deleteExpired(now: number): Promise<number>;
}
