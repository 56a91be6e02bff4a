import { randomUUID } from 'node:crypto';
import { httpsRequest, type HttpsResponse } from './https.js';

export interface RoundRobinAnswer extends HttpsResponse {
  /** Index of the node that answered. */
  node: number;
  /** The correlation id the answered attempt sent (x-ms-correlation-request-id). */
  correlationId: string;
  retried: boolean;
}

export interface RoundRobinRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** What a load balancer retries on the next node: the node is gone or says it cannot serve. */
const RETRIED_STATUSES = new Set([502, 503]);

/**
 * The smallest load balancer: round-robin over the nodes' own URLs, no health checks (a dead node
 * stays in the rotation), and one retry on the next node after a connection error, 502 or 503.
 * Each attempt carries a correlation id of its own, which the server records in its logs.
 */
export class RoundRobinClient {
  private turn = 0;
  retries = 0;

  constructor(
    private readonly nodes: readonly string[],
    private readonly ca: string,
  ) {}

  async send(path: string, req: RoundRobinRequest = {}): Promise<RoundRobinAnswer> {
    const first = this.turn++ % this.nodes.length;
    const second = (first + 1) % this.nodes.length;
    const once = await this.attempt(first, path, req).catch((err: Error) => err);
    if (!(once instanceof Error) && !RETRIED_STATUSES.has(once.status)) return { ...once, retried: false };
    this.retries++;
    return { ...(await this.attempt(second, path, req)), retried: true };
  }

  private async attempt(
    node: number,
    path: string,
    req: RoundRobinRequest,
  ): Promise<Omit<RoundRobinAnswer, 'retried'>> {
    const correlationId = randomUUID();
    const r = await httpsRequest(`${this.nodes[node]}${path}`, {
      method: req.method ?? 'GET',
      ca: this.ca,
      headers: { ...req.headers, 'x-ms-correlation-request-id': correlationId },
      ...(req.body === undefined ? {} : { body: req.body }),
    });
    return { ...r, node, correlationId };
  }
}
