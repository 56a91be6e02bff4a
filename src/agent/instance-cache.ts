import type { Clock } from '../kernel/clock.js';
import { UpstreamUnavailable, type TokenUpstream } from './upstream.js';

/** Instance metadata changes rarely (tags, attached identities) and apps poll it; a minute is fresh enough. */
export const INSTANCE_TTL_MS = 60_000;

/** The resource's `/metadata/instance` document, fetched once per minute at most. */
export class InstanceCache {
  private doc: Record<string, unknown> | undefined;
  private fetchedAt = 0;
  private pending: Promise<Record<string, unknown>> | undefined;

  constructor(
    private readonly upstream: TokenUpstream,
    private readonly clock: Clock,
  ) {}

  get(correlationId: string): Promise<Record<string, unknown>> {
    if (this.doc !== undefined && this.clock.now() - this.fetchedAt < INSTANCE_TTL_MS) return Promise.resolve(this.doc);
    this.pending ??= this.fetch(correlationId).finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async fetch(correlationId: string): Promise<Record<string, unknown>> {
    try {
      const doc = await this.upstream.instanceMetadata(correlationId);
      this.doc = doc;
      this.fetchedAt = this.clock.now();
      return doc;
    } catch (err) {
      // Describing the machine needs no fresh authorization: while the server is away a stale
      // document is better than none. A refusal, though, is passed on.
      if (err instanceof UpstreamUnavailable && this.doc !== undefined) return this.doc;
      throw err;
    }
  }
}
