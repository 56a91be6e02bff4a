import { createLogger } from '../../src/kernel/log.js';
import { startAgent, type AgentRuntimeOptions, type RunningAgent } from '../../src/agent/agent-runtime.js';
import type { TestServer } from './server.js';

/**
 * A real agent for `resourceId`, enrolled with a join token the test server's admin creates, its
 * metadata endpoints on a free loopback port. `extra`: options a test sets on top (windows, limits);
 * `joinToken`: the join token request's body (`{ ephemeral: true }`).
 */
export async function enrolledAgent(
  t: TestServer,
  resourceId: string,
  extra: Partial<AgentRuntimeOptions> = {},
  joinToken: Record<string, unknown> = {},
): Promise<RunningAgent> {
  const jt = await t.arm('POST', `${resourceId}/providers/OpenMI.Agents/joinTokens?api-version=2025-01-01`, joinToken);
  if (jt.status !== 200 && jt.status !== 201) throw new Error(`join token: ${jt.status} ${jt.text}`);
  return startAgent({
    serverUrl: t.server.baseUrl,
    ca: t.ca,
    joinToken: jt.json.token,
    listenHost: '127.0.0.1',
    listenPort: 0,
    log: createLogger('silent'),
    ...extra,
  });
}
