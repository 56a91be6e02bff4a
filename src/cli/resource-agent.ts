import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createArmClient } from '../client/arm-client.js';
import { createJoinToken, resourceIdOf, type ResourceRef } from './commands/join-token.js';
import { startAgent, type RunningAgent } from '../agent/agent-runtime.js';
import type { Logger } from '../kernel/log.js';

export interface ResourceAgent {
  agent: RunningAgent;
  caCertPath: string;
  resourceId: string;
}

/**
 * An ephemeral agent for one resource, enrolled with a join token the data dir's admin
 * credentials create on the spot (`openmi run`, `openmi env --resource`). Nothing about the
 * resource is trusted locally: the server binds the agent to the resource named in the token.
 */
export async function startResourceAgent(
  o: ResourceRef & {
    dataDir?: string;
    listenHost: string;
    listenPort: number;
    log: Logger;
    allowedHosts?: readonly string[];
    maxConnectionsPerClient?: number;
  },
): Promise<ResourceAgent> {
  const client = createArmClient({ dataDir: o.dataDir });
  const resourceId = resourceIdOf(o, client.subscriptionId);
  const jt = await createJoinToken(client, resourceId, { ephemeral: true, expiresInSeconds: 300 });
  const caCertPath = join(client.dataDir, 'ca.pem');
  const agent = await startAgent({
    serverUrl: client.baseUrl,
    ca: readFileSync(caCertPath, 'utf8'),
    joinToken: jt.token,
    listenHost: o.listenHost,
    listenPort: o.listenPort,
    log: o.log,
    ...(o.allowedHosts ? { allowedHosts: o.allowedHosts } : {}),
    ...(o.maxConnectionsPerClient !== undefined ? { maxConnectionsPerClient: o.maxConnectionsPerClient } : {}),
  });
  return { agent, caCertPath, resourceId: jt.resourceId };
}
