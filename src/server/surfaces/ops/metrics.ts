import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { HttpObserver } from '../../../kernel/http/server.js';
import { renderHistogram } from '../../../kernel/histogram.js';
import { QueryTimings } from '../../../store/query-timings.js';
import type { AuditLogName } from '../../../store/records.js';
import type { AuditBatchObserver } from '../../audit/batch-writer.js';
import type { DecisionObserver } from '../../rbac/rbac-authorizer.js';
import { TokenMetrics } from './token-metrics.js';

/** Request durations: a cached token is answered in well under a millisecond, a cold mint in a few. */
const REQUEST_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
/** Rows per group commit: one under light load, up to the writer's maxRows (500) under a flood. */
const BATCH_ROW_BUCKETS = [1, 2, 5, 10, 20, 50, 100, 200, 500];

/**
 * Prometheus metrics on a registry of our own (never the global one, so tests can run servers
 * side by side). The families and what to alert on are listed in docs/operations.md#metrics.
 * Every label value is from a closed set (surface, flow, reason code, log, plane): never an id,
 * a path or anything a caller chose.
 */
export class Metrics implements HttpObserver, AuditBatchObserver, DecisionObserver {
  readonly registry = new Registry();
  /** Filled by the store itself (src/store/query-timings.ts); rendered here at scrape time. */
  readonly storeTimings = new QueryTimings();
  /** Set once the store is open (app.ts). */
  storeKind: 'sqlite' | 'postgres' = 'sqlite';
  readonly tokens = new TokenMetrics(this.registry, REQUEST_BUCKETS);
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
    buckets: REQUEST_BUCKETS,
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

  private readonly auditRows = new Histogram({
    name: 'openmi_audit_batch_rows',
    help: 'Rows per audit group commit (one transaction, one fsync), by log',
    labelNames: ['log'] as const,
    buckets: BATCH_ROW_BUCKETS,
    registers: [this.registry],
  });
  private readonly auditDuration = new Histogram({
    name: 'openmi_audit_batch_duration_seconds',
    help: 'Duration of one audit group commit (the append transaction), by log',
    labelNames: ['log'] as const,
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });
  private readonly auditFailures = new Counter({
    name: 'openmi_audit_batch_failures_total',
    help: 'Audit group commits that failed (their requests were answered 5xx), by log',
    labelNames: ['log'] as const,
    registers: [this.registry],
  });

  private readonly rbac = new Counter({
    name: 'openmi_rbac_decisions_total',
    help: 'RBAC access checks by result (allowed, denied) and plane (arm: control-plane actions, data: data actions)',
    labelNames: ['result', 'plane'] as const,
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

  onResponse(surface: string, method: string, status: number, seconds: number, operation?: string): void {
    this.requests.inc({ surface, method, status: String(status) });
    this.duration.observe({ surface }, seconds);
    // Only the token endpoints name an operation: the grant flow of the request.
    if (operation !== undefined) this.tokens.requestDone(operation, seconds);
  }

  agentSignIns(result: 'success' | 'failure', requests: number): void {
    this.agentSignInRequests.inc({ result }, requests);
  }

  agentSignInsDropped(cause: string, requests: number): void {
    this.agentSignInDrops.inc({ cause }, requests);
  }

  auditBatch(log: AuditLogName, rows: number, seconds: number, ok: boolean): void {
    this.auditRows.observe({ log }, rows);
    this.auditDuration.observe({ log }, seconds);
    if (!ok) this.auditFailures.inc({ log });
  }

  rbacDecision(allowed: boolean, kind: 'action' | 'dataAction'): void {
    this.rbac.inc({ result: allowed ? 'allowed' : 'denied', plane: kind === 'action' ? 'arm' : 'data' });
  }

  /** The exposition text: prom-client's registry, then the store histograms it does not hold. */
  async text(): Promise<string> {
    const store = `store="${this.storeKind}"`;
    const t = this.storeTimings;
    const queries = renderHistogram(
      'openmi_store_query_duration_seconds',
      'Store call duration by store and kind: read (select), write (insert, update, delete), tx (a whole transaction)',
      [
        { labels: `${store},op="read"`, histogram: t.read },
        { labels: `${store},op="write"`, histogram: t.write },
        { labels: `${store},op="tx"`, histogram: t.tx },
      ],
    );
    return `${await this.registry.metrics()}\n${queries}`;
  }
}
