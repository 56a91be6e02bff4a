import type { Config } from '../../config/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { Logger } from '../../kernel/log.js';
import type { SigningKeyStatus } from '../../store/records.js';
import { MISSED_CHANGES } from '../../store/changes.js';
import type { Store } from '../../store/store.js';
import { SIGNING_KEYS_CHANGE, type KeyRing } from './key-ring.js';

/** How often each node re-reads the key table and drops keys whose tokens have all expired. */
export const KEY_MAINTENANCE_INTERVAL_MS = 30_000;

/** A retired key must outlive the longest token any key can sign, whichever kind it is. */
export function maxTokenLifetimeMs(cfg: Pick<Config, 'appTokenLifetimeSeconds' | 'managedIdentityTokenLifetimeSeconds'>): number {
  return Math.max(cfg.appTokenLifetimeSeconds, cfg.managedIdentityTokenLifetimeSeconds) * 1000;
}

/** A signing key as operators see it: lifecycle only, never key material. Times are epoch ms. */
export interface SigningKeyInfo {
  kid: string;
  status: SigningKeyStatus;
  createdAt: number;
  activatedAt: number | null;
  retiredAt: number | null;
  publishUntil: number | null;
}

export async function listSigningKeys(store: Store): Promise<SigningKeyInfo[]> {
  return (await store.signingKeys.list()).map(({ kid, status, createdAt, activatedAt, retiredAt, publishUntil }) => ({
    kid, status, createdAt, activatedAt, retiredAt, publishUntil,
  }));
}

/**
 * Per-node key housekeeping. Rotation happens on one node; the others learn of it here (their
 * verifiers would also reload on an unknown kid, but their signers would not): at once from the
 * store's change bus, or at the next round if that event was lost. Keys whose publishUntil has
 * passed are deleted (already hidden from JWKS by reload).
 */
export class KeyMaintenance {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  /** Reloads triggered by other nodes' rotations, awaited by stop(). */
  private readonly reloads = new Set<Promise<void>>();

  constructor(
    private readonly ring: KeyRing,
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly intervalMs: number = KEY_MAINTENANCE_INTERVAL_MS,
    private readonly log?: Logger,
  ) {}

  start(): this {
    if (this.timer) return this;
    this.timer = setInterval(() => this.runInBackground(), this.intervalMs);
    // Housekeeping must never keep the process alive on its own.
    this.timer.unref();
    this.unsubscribe = this.store.changes.subscribe((e) => {
      if (e.kind === SIGNING_KEYS_CHANGE || e.kind === MISSED_CHANGES) this.reloadNow();
    });
    return this;
  }

  /** Not runInBackground: a round already running may have read the table before the rotation committed. */
  private reloadNow(): void {
    const p = this.ring.reload().catch((err: unknown) => this.log?.warn({ err }, 'reloading signing keys after another node rotated failed; retrying next interval'));
    this.reloads.add(p);
    void p.finally(() => this.reloads.delete(p));
  }

  /** Stops the timer and waits for a round in progress, so the store can be closed afterwards. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    this.unsubscribe?.();
    await Promise.all([this.running, ...this.reloads]);
  }

  /** One round: pick up rotations made elsewhere, then delete expired keys. Returns how many were deleted. */
  async tick(): Promise<{ deleted: number }> {
    await this.ring.reload();
    return { deleted: await this.store.signingKeys.deleteExpired(this.clock.now()) };
  }

  private runInBackground(): void {
    // A slow store must not pile rounds up behind each other.
    if (this.running) return;
    this.running = this.tick()
      .then(
        () => undefined,
        (err: unknown) => this.log?.warn({ err }, 'signing key maintenance failed; retrying next interval'),
      )
      .finally(() => {
        this.running = undefined;
      });
  }
}
