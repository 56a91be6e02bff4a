import { Counter, Gauge, Registry } from 'prom-client';
import type { SignInDropCause } from '../wire/agent-protocol.js';
import type { RouteContext, RouteDeps } from './metadata-routes.js';
import type { SignInBufferStats } from './sign-in-buffer.js';
import type { TokenCacheStats } from './token-cache.js';

export const METRICS_PATH = '/metrics';

/** What the metrics read at scrape time: the cache's and the sign-in buffer's own counters. */
export interface AgentMetricSources {
  cache: { readonly stats: TokenCacheStats; readonly size: number };
  signIns: {
    readonly stats: SignInBufferStats;
    readonly size: number;
    readonly dropped: Readonly<Record<SignInDropCause, number>>;
  };
}

const CACHE_RESULTS = ['hit', 'miss', 'refresh', 'stale'] as const;
const DROP_CAUSES: readonly SignInDropCause[] = ['unreachable', 'refused', 'bound'];

/**
 * The agent's Prometheus metrics (docs/operations.md#metrics), on a registry of its own (several
 * agents may run in one process). Nothing is counted on the request path: the cache and the
 * buffer keep plain numbers and each family copies them when scraped.
 */
export class AgentMetrics {
  readonly registry = new Registry();

  constructor(s: AgentMetricSources) {
    const registers = [this.registry];
    new Counter({
      name: 'openmi_agent_token_cache_total',
      help: 'Token requests by what the cache did: hit, miss (asked the server), refresh (background refresh at half-life started), stale (served while the server could not renew it)',
      labelNames: ['result'] as const,
      registers,
      collect() {
        this.reset();
        for (const result of CACHE_RESULTS) this.inc({ result }, s.cache.stats[result]);
      },
    });
    gauge(registers, 'openmi_agent_token_cache_entries', 'Tokens in the cache', () => s.cache.size);
    counter(
      registers,
      'openmi_agent_sign_ins_aggregated_total',
      'Requests the agent answered itself, counted into sign-in rows',
      () => s.signIns.stats.aggregated,
    );
    counter(
      registers,
      'openmi_agent_sign_ins_uploaded_total',
      'Requests whose sign-in rows the server accepted',
      () => s.signIns.stats.uploadedRequests,
    );
    counter(
      registers,
      'openmi_agent_sign_in_rows_uploaded_total',
      'Sign-in rows the server accepted (each counts one or more requests)',
      () => s.signIns.stats.uploadedRows,
    );
    gauge(registers, 'openmi_agent_sign_in_rows_buffered', 'Sign-in rows waiting for upload', () => s.signIns.size);
    new Counter({
      name: 'openmi_agent_sign_ins_dropped_total',
      help: 'Requests whose sign-in rows this agent dropped, by cause: unreachable (server unreachable past the backlog), refused (an upload refused), bound (more distinct keys or rows than the agent holds)',
      labelNames: ['cause'] as const,
      registers,
      collect() {
        this.reset();
        for (const cause of DROP_CAUSES) this.inc({ cause }, s.signIns.dropped[cause]);
      },
    });
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}

/** A counter whose value is the source's running total: reset, then add it (prom-client counters have no set). */
function counter(registers: Registry[], name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers,
    collect() {
      this.reset();
      this.inc(read());
    },
  });
}

function gauge(registers: Registry[], name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers,
    collect() {
      this.set(read());
    },
  });
}

/** GET /metrics on the metadata listener, behind the same Host and browser checks as every route. */
export async function metricsRoute(deps: RouteDeps, ctx: RouteContext): Promise<void> {
  const text = deps.metrics === undefined ? '' : await deps.metrics.text();
  ctx.res.writeHead(200, {
    'content-type': deps.metrics?.contentType ?? 'text/plain; version=0.0.4; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  ctx.res.end(text);
}
