/**
 * The agent API's error codes (`{error, error_description}`, docs/agent-protocol.md) with their
 * HTTP status. The agent relays 400, 401, 403 and 429 answers to the workload unchanged, so these
 * are also what a workload's SDK sees; never 404 for a missing identity (the SDKs retry 404s).
 *
 * Domain code names these codes too (a `DomainError`'s `code`); its status then comes from the
 * error's kind (surfaces/agent-api/agent-errors.ts).
 */
export const AGENT_API_ERROR_STATUS = {
  // 400 for a bad request, 404 for a path that is no agent API call, 413 for a body over the limit.
  invalid_request: [400, 404, 413],
  identity_not_found: 400,
  invalid_agent: 401,
  invalid_join_token: 401,
  too_many_requests: 429,
  temporarily_unavailable: 503,
  server_error: 500,
} as const;

export type AgentApiErrorCode = keyof typeof AGENT_API_ERROR_STATUS;
