import type { Config } from '../../config/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { Logger } from '../../kernel/log.js';
import type { SigningKeyStatus } from '../../store/records.js';
import { MISSED_CHANGES } from '../../store/changes.js';
import type { Store } from '../../store/store.js';
import { SIGNING_KEYS_CHANGE, type KeyRing, type RotationResult } from './key-ring.js';
import type { Actor } from '../audit/changes.js';
import { ChangeBatch, changeInTransaction, type ChangeSink } from '../audit/changes-batch.js';

/** How often each node re-reads the key table and drops keys whose tokens have all expired. */
export const KEY_MAINTENANCE_INTERVAL_MS = 30_000;

/**
 * How long a revocation is kept. It refuses tokens issued at or before its time, and no token
 * outlives 24 h: the most either token lifetime setting allows (config/schema.ts) and the most a
 * workload token may ask for; login links live at most 1 h. An hour on top covers verifiers'
 * clock skew (30 s) with room to spare. Older revocations refuse nothing and are deleted.
 */
export const REVOCATION_RETENTION_MS = 25 * 3_600_000;

/** A retired key must outlive the longest token any key can sign, whichever kind it is. */
export function maxTokenLifetimeMs(
  cfg: Pick<Config, 'appTokenLifetimeSeconds' | 'managedIdentityTokenLifetimeSeconds'>,
): number {
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

const SIGNING_KEYS_TYPE = 'OpenMI.Tokens/signingKeys';
/** The tenant-wide collection of signing keys: the resource id rotations are logged under. */
export const SIGNING_KEYS_PATH = `/providers/${SIGNING_KEYS_TYPE}`;
export const ROTATE_OPERATION = `${SIGNING_KEYS_TYPE}/rotate/action`;

/**
 * Rotates the signing keys for `actor`: the activity row is written by the rotation's own
 * transaction (docs/audit.md). When another node's rotation won the race this call changed
 * nothing; its row, naming the slots as the winner left them, then commits on its own.
 */
export async function rotateSigningKeys(
  ring: KeyRing,
  sink: ChangeSink,
  actor: Actor,
  maxTokenLifetimeMs: number,
): Promise<RotationResult> {
  const batch = new ChangeBatch(sink.clock, actor);
  const result = await ring.rotate(maxTokenLifetimeMs, async (tx, won) => {
    batch.add(ROTATE_OPERATION, SIGNING_KEYS_PATH, { ...won });
    await batch.persist(tx, sink.recorder);
  });
  if (batch.pending.length > 0) {
    batch.flush(sink.recorder);
    return result;
  }
  await changeInTransaction(sink, actor, async (_tx, b) => b.add(ROTATE_OPERATION, SIGNING_KEYS_PATH, { ...result }));
  return result;
}

export async function listSigningKeys(store: Store): Promise<SigningKeyInfo[]> {
  return (await store.signingKeys.list()).map(({ kid, status, createdAt, activatedAt, retiredAt, publishUntil }) => ({
    kid,
    status,
    createdAt,
    activatedAt,
    retiredAt,
    publishUntil,
  }));
}

/**
 * Key housekeeping. Rotation happens on one node; every node learns of it here (their verifiers
 * would also reload on an unknown kid, but their signers would not): at once from the store's
 * change bus, or at the next round if that event was lost. The housekeeping leader
 * (`lead`, Store.tryLead) also deletes keys whose publishUntil has passed (already hidden from
 * JWKS by reload) and revocations whose tokens have all expired. Deleting is idempotent, so two
 * nodes that briefly both believe they lead (a leader whose connection just died) do no harm.
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
    private readonly lead: () => Promise<boolean> = async () => true,
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
    const p = this.ring
      .reload()
      .catch((err: unknown) =>
        this.log?.warn({ err }, 'reloading signing keys after another node rotated failed; retrying next interval'),
      );
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

  /** One round: pick up rotations made elsewhere; on the leader, delete expired keys and revocations. Returns how many. */
  async tick(): Promise<{ deleted: number; revocations: number }> {
    await this.ring.reload();
    if (!(await this.lead())) return { deleted: 0, revocations: 0 };
    const now = this.clock.now();
    const deleted = await this.store.signingKeys.deleteExpired(now);
    return {
      deleted,
      revocations: await this.store.tokenRevocations.deleteRevokedBefore(now - REVOCATION_RETENTION_MS),
    };
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
