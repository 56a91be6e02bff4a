import type { Clock } from '../../../kernel/clock.js';
import type { TokenRevocationRecord } from '../../../store/records.js';
import type { TokenRevocationRepo } from '../../../store/store.js';

/** How stale a revocation made on ANOTHER node may be here; local revocations apply at once. */
export const REVOCATION_RELOAD_MS = 5_000;

/**
 * Revocations as the data planes read them on every request. A store read per request cost
 * about 4 µs of a ~38 µs validation (bench G7), so the list is kept in memory:
 * - revocations made through this server, or through another node sharing the store (the
 *   store's change bus), are pushed by the invalidation hub after they commit (`invalidate`),
 *   and those principals are read from the store until the next reload — so a revocation is
 *   enforced on the very next request here, or within the bus's delivery time;
 * - the whole list is reloaded in the background at most every 5 s, which bounds how long a
 *   revocation whose notification was lost (a bus reconnect, a node crash) can go unseen here.
 */
export class RevocationCache implements Pick<TokenRevocationRepo, 'get'> {
  private map = new Map<string, TokenRevocationRecord>();
  private readonly dirty = new Set<string>();
  private loadedAt = -Infinity;
  private loading: Promise<void> | undefined;

  constructor(
    private readonly repo: Pick<TokenRevocationRepo, 'get' | 'list'>,
    private readonly clock: Clock,
    private readonly reloadMs = REVOCATION_RELOAD_MS,
  ) {}

  /** Principals (or any ids) whose revocation just committed locally. */
  invalidate(ids: readonly string[]): void {
    for (const id of ids) this.dirty.add(id.toLowerCase());
  }

  /** Other nodes' notifications may have been lost: read from the store until the next reload. */
  forgetAll(): void {
    this.map.clear();
    this.loadedAt = -Infinity;
  }

  async get(principalId: string): Promise<TokenRevocationRecord | undefined> {
    const key = principalId.toLowerCase();
    const fresh = this.clock.now() - this.loadedAt <= this.reloadMs;
    if (!fresh) this.loading ??= this.reload().finally(() => (this.loading = undefined));
    if (this.loadedAt === -Infinity || this.dirty.has(key)) return this.repo.get(principalId);
    return this.map.get(key);
  }

  private async reload(): Promise<void> {
    // Only ids dirtied before the read began are covered by it; later ones stay dirty.
    const covered = [...this.dirty];
    const startedAt = this.clock.now();
    const all = await this.repo.list();
    this.map = new Map(all.map((r) => [r.principalId.toLowerCase(), r]));
    for (const id of covered) this.dirty.delete(id);
    this.loadedAt = startedAt;
  }
}
