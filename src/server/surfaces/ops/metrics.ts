import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HttpObserver } from '../../../kernel/http/server.js';

/** Prometheus metrics on a registry of our own (never the global one, so tests can run servers side by side). */
export class Metrics implements HttpObserver {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'openmi_http_requests_total',
    help: 'HTTP requests by surface, method and status',
    labelNames: ['surface', 'method', 'status'] as const,
    registers: [this.registry],
  });
  private readonly duration = new Histogram({
    name: 'openmi_http_request_duration_seconds',
    help: 'HTTP request duration by surface',
    labelNames: ['surface'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });

  private readonly agentSignInRequests = new Counter({
    name: 'openmi_agent_sign_in_requests_total',
    help: 'Requests agents answered themselves (cache hits, their own refusals) whose sign-in rows they uploaded, by result',
    labelNames: ['result'] as const,
    registers: [this.registry],
  });
  private readonly agentSignInDrops = new Counter({
    name: 'openmi_agent_sign_ins_dropped_total',
    help: 'Requests whose sign-in rows agents reported dropping, by cause: unreachable (server unreachable past the agent backlog), refused (an upload refused), bound (more distinct keys or rows than the agent holds)',
    labelNames: ['cause'] as const,
    registers: [this.registry],
  });

  // 0 until the first check: a node that never led must not look like a missing series (docs/operations.md).
  private readonly leader = new Gauge({
    name: 'openmi_housekeeping_leader',
    help: 'Whether this node leads housekeeping (audit retention, expired signing keys and revocations): 1 or 0',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'openmi_' });
    this.leader.set(0);
  }

  housekeepingLeader(leading: boolean): void {
    this.leader.set(leading ? 1 : 0);
  }

  onResponse(surface: string, method: string, status: number, seconds: number): void {
    this.requests.inc({ surface, method, status: String(status) });
    this.duration.observe({ surface }, seconds);
  }

  agentSignIns(result: 'success' | 'failure', requests: number): void {
    this.agentSignInRequests.inc({ result }, requests);
  }

  agentSignInsDropped(cause: string, requests: number): void {
    this.agentSignInDrops.inc({ cause }, requests);
  }
}
