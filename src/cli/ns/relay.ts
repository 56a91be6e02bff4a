import net from 'node:net';

/**
 * Byte pipes between the namespace and the host (docs/clients.md#transparent-mode). TLS stays
 * end to end: a relay never reads what it carries, so the workload's SNI and certificate check
 * are those of the Azure name, against openmi's server.
 */

/** Connections one relay holds at once: a bound, far above what one workload opens. */
const MAX_CONNECTIONS = 1024;

export type Dial = () => net.Socket;

/** Pipes an accepted connection to a fresh upstream one; an error on either side closes both. */
function pipe(client: net.Socket, dial: Dial): void {
  const upstream = dial();
  const close = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('error', close);
  upstream.on('error', close);
  client.pipe(upstream);
  upstream.pipe(client);
}

/** A listener (TCP address or Unix socket path) whose every connection is piped to `dial()`. */
export function startRelay(listen: { host: string; port: number } | { path: string }, dial: Dial): Promise<net.Server> {
  const server = net.createServer((c) => pipe(c, dial));
  server.maxConnections = MAX_CONNECTIONS;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(listen, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

export const closeAll = (servers: { close(): unknown }[]): void => {
  for (const s of servers) s.close();
};
