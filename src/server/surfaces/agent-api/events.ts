import type { ServerResponse } from 'node:http';
import type { AgentRecord } from '../../../store/records.js';
import type { InvalidationHub } from '../../agents/invalidation-hub.js';

/** Proxies and load balancers close idle streams; a comment line every 15 s keeps it open. */
const PING_MS = 15_000;

/**
 * Streams invalidations to one agent as server-sent events until either side closes. Every
 * agent gets every invalidation; the agent keeps what concerns its own resource and the
 * identities it holds tokens for (docs/agent-protocol.md).
 */
export function streamInvalidations(
  res: ServerResponse,
  hub: InvalidationHub,
  agent: AgentRecord,
  streams: Set<ServerResponse>,
): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  res.socket?.setNoDelay(true);
  res.write(`event: ready\ndata: ${JSON.stringify({ agentId: agent.id, resourceId: agent.resourceId })}\n\n`);
  const unsubscribe = hub.subscribe((ids) => res.write(`event: invalidate\ndata: ${JSON.stringify({ ids })}\n\n`));
  // Other nodes' invalidations may have been lost: ending the stream makes the agent reconnect,
  // and an agent drops every cached token on reconnect (docs/agent-protocol.md).
  const unresync = hub.onResync(() => res.end());
  const ping = setInterval(() => res.write(': ping\n\n'), PING_MS);
  ping.unref();
  streams.add(res);
  res.on('close', () => {
    clearInterval(ping);
    unsubscribe();
    unresync();
    streams.delete(res);
  });
}
