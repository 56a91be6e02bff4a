import type { RequestContext, Surface } from '../../../kernel/http/context.js';
import { sendJson } from '../../../kernel/http/context.js';
import type { Store } from '../../../store/store.js';
import type { Metrics } from './metrics.js';

const PATHS = new Set(['/healthz', '/readyz', '/metrics']);

/** Liveness, readiness (the store answers) and Prometheus metrics. Unauthenticated, read-only. */
export class OpsSurface implements Surface {
  readonly name = 'ops';
  constructor(
    private readonly store: Store,
    private readonly metrics: Metrics,
  ) {}

  matches(ctx: RequestContext): boolean {
    return PATHS.has(ctx.path.toLowerCase());
  }

  renderError(ctx: RequestContext, err: unknown): void {
    ctx.log.warn({ err }, 'ops endpoint failed');
    sendJson(ctx.res, 503, { status: 'unavailable', reason: (err as Error).message });
  }

  async handle(ctx: RequestContext): Promise<void> {
    const p = ctx.path.toLowerCase();
    if (p === '/healthz') return sendJson(ctx.res, 200, { status: 'ok' });
    if (p === '/readyz') {
      await this.store.meta.get('defaultTenantId');
      return sendJson(ctx.res, 200, { status: 'ready', store: this.store.kind });
    }
    const text = await this.metrics.text();
    ctx.res.writeHead(200, { 'content-type': this.metrics.registry.contentType });
    ctx.res.end(text);
  }
}
