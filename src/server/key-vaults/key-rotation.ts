import type { Clock } from '../../kernel/clock.js';
import type { Logger } from '../../kernel/log.js';
import type { Store } from '../../store/store.js';
import type { KeyRotationPolicyRecord, KeyVaultRecord } from '../../store/key-vault.js';
import { KeyVaultError } from './errors.js';
import { addDuration, atLeastDays, parseDuration } from './iso-duration.js';
import type { KeyService, KeyVersion } from './keys.js';

/**
 * Key rotation policies and automatic rotation
 * (learn.microsoft.com/azure/key-vault/keys/how-to-configure-key-rotation): a Rotate action
 * `timeAfterCreate` the latest version or `timeBeforeExpiry` it expires; a Notify action
 * (`timeBeforeExpiry` only) is kept and returned but sends nothing, as openmi has no Event Grid.
 */
export interface LifetimeAction {
  trigger: { timeAfterCreate?: string; timeBeforeExpiry?: string };
  action: { type: 'Rotate' | 'Notify' };
}
export interface RotationPolicy {
  lifetimeActions: LifetimeAction[];
  attributes: { expiryTime?: string };
}
export interface PolicyView extends RotationPolicy {
  createdAt?: number;
  updatedAt?: number;
}

/** What Key Vault answers for a key that never had a policy set. */
const DEFAULT_POLICY: RotationPolicy = {
  lifetimeActions: [{ trigger: { timeBeforeExpiry: 'P30D' }, action: { type: 'Notify' } }],
  attributes: {},
};
/** Key Vault's minimums: 7 days for a trigger, 28 for the expiry of new versions. */
const MIN_TRIGGER_DAYS = 7;
const MIN_EXPIRY_DAYS = 28;
const PAGE = 100;
/** Policies count in days; a minute's delay is nothing, and one indexed query a minute costs nothing. */
export const KEY_ROTATION_INTERVAL_MS = 60_000;

const bad = (message: string) => new KeyVaultError('BadParameter', message);

function checkAction(input: unknown, now: number): LifetimeAction {
  const a = input as { trigger?: Record<string, unknown>; action?: { type?: unknown } } | null;
  const type = String(a?.action?.type ?? '').toLowerCase();
  if (type !== 'rotate' && type !== 'notify') throw bad("A lifetime action's type must be Rotate or Notify.");
  const trigger = a?.trigger ?? {};
  const after = trigger['timeAfterCreate'];
  const before = trigger['timeBeforeExpiry'];
  if ((after === undefined) === (before === undefined))
    throw bad('A lifetime action takes exactly one of timeAfterCreate and timeBeforeExpiry.');
  if (type === 'notify' && after !== undefined) throw bad('A Notify action takes timeBeforeExpiry only.');
  const which = after !== undefined ? 'timeAfterCreate' : 'timeBeforeExpiry';
  const text = (after ?? before) as string;
  if (!atLeastDays(parseDuration(text, which), MIN_TRIGGER_DAYS, now))
    throw bad(`'${which}' must be at least ${MIN_TRIGGER_DAYS} days.`);
  return { trigger: { [which]: text }, action: { type: type === 'rotate' ? 'Rotate' : 'Notify' } };
}

/** A PUT body checked against Key Vault's rules; `now` anchors the calendar durations. */
export function checkPolicy(input: unknown, now: number): RotationPolicy {
  if (typeof input !== 'object' || input === null) throw bad('The rotation policy must be a JSON object.');
  const { lifetimeActions = [], attributes = {} } = input as { lifetimeActions?: unknown; attributes?: unknown };
  if (!Array.isArray(lifetimeActions) || lifetimeActions.length > 2)
    throw bad("'lifetimeActions' must be a list of at most one Rotate and one Notify action.");
  const actions = lifetimeActions.map((a) => checkAction(a, now));
  if (new Set(actions.map((a) => a.action.type)).size !== actions.length)
    throw bad("'lifetimeActions' may hold one action of each type.");
  const expiryTime = (attributes as { expiryTime?: unknown } | null)?.expiryTime;
  if (expiryTime === undefined || expiryTime === null) return { lifetimeActions: actions, attributes: {} };
  const expiry = parseDuration(expiryTime, 'expiryTime');
  if (!atLeastDays(expiry, MIN_EXPIRY_DAYS, now)) throw bad(`'expiryTime' must be at least ${MIN_EXPIRY_DAYS} days.`);
  const rotate = actions.find((a) => a.action.type === 'Rotate')?.trigger.timeAfterCreate;
  if (rotate && addDuration(now, parseDuration(rotate, 'timeAfterCreate')) > addDuration(now, expiry))
    throw bad("'timeAfterCreate' must come before 'expiryTime'.");
  return { lifetimeActions: actions, attributes: { expiryTime: expiryTime as string } };
}

/** When the policy rotates `latest`, or undefined if it never does. */
function rotationDue(policy: RotationPolicy, latest: KeyVersion): number | undefined {
  const trigger = policy.lifetimeActions.find((a) => a.action.type === 'Rotate')?.trigger;
  if (trigger?.timeAfterCreate)
    return addDuration(latest.createdAt, parseDuration(trigger.timeAfterCreate, 'timeAfterCreate'));
  if (trigger?.timeBeforeExpiry && latest.doc.expires !== null)
    return addDuration(latest.doc.expires, parseDuration(trigger.timeBeforeExpiry, 'timeBeforeExpiry'), -1);
  return undefined;
}

const parsed = (r: KeyRotationPolicyRecord): RotationPolicy => JSON.parse(r.policy) as RotationPolicy;

export class KeyRotation {
  constructor(
    private readonly store: Store,
    private readonly keys: KeyService,
    private readonly clock: Clock,
  ) {}

  async getPolicy(v: KeyVaultRecord, name: string): Promise<PolicyView> {
    await this.keys.objects.get(v, name);
    const r = await this.store.keyRotationPolicies.get(v.id, name);
    return r ? { ...parsed(r), createdAt: r.createdAt, updatedAt: r.updatedAt } : DEFAULT_POLICY;
  }

  /** Replaces the key's policy, as Key Vault's PUT does. */
  async putPolicy(v: KeyVaultRecord, name: string, input: unknown): Promise<PolicyView> {
    const latest = await this.keys.objects.get(v, name);
    const now = this.clock.now();
    const policy = checkPolicy(input, now);
    const createdAt = (await this.store.keyRotationPolicies.get(v.id, name))?.createdAt ?? now;
    const autoRotate = policy.lifetimeActions.some((a) => a.action.type === 'Rotate');
    const rec = { vaultId: v.id, name: latest.name, policy: JSON.stringify(policy), autoRotate, createdAt };
    await this.store.keyRotationPolicies.put({ ...rec, updatedAt: now });
    return { ...policy, createdAt, updatedAt: now };
  }

  /** A purged key's policy goes with it. */
  async forget(v: KeyVaultRecord, name: string): Promise<void> {
    await this.store.keyRotationPolicies.delete(v.id, name);
  }

  /** Rotate Key, on request or by policy: the new version expires `expiryTime` from now when the policy says so. */
  async rotate(v: KeyVaultRecord, name: string): Promise<KeyVersion> {
    const r = await this.store.keyRotationPolicies.get(v.id, name);
    const expiry = r ? parsed(r).attributes.expiryTime : undefined;
    const expires = expiry ? addDuration(this.clock.now(), parseDuration(expiry, 'expiryTime')) : undefined;
    return this.keys.rotate(v, name, expires);
  }

  /** One housekeeping round: rotates every key whose policy is due. Returns the keys rotated. */
  async rotateDue(log?: Logger): Promise<string[]> {
    const rotated: string[] = [];
    let after: { vaultId: string; name: string } | undefined;
    for (;;) {
      const page = await this.store.keyRotationPolicies.listAutoRotate(PAGE, after);
      for (const r of page) {
        const done = await this.rotateIfDue(r).catch((err: unknown) => {
          log?.warn({ err, vault: r.vaultId, key: r.name }, 'automatic key rotation failed; retrying next round');
          return false;
        });
        if (done) rotated.push(`${r.vaultId}/keys/${r.name}`);
      }
      if (page.length < PAGE) return rotated;
      after = page[page.length - 1]!;
    }
  }

  private async rotateIfDue(r: KeyRotationPolicyRecord): Promise<boolean> {
    const vault = await this.store.keyVaults.get(r.vaultId);
    // A soft-deleted key has no latest version to rotate until it is recovered.
    const latest = vault && (await this.keys.objects.get(vault, r.name).catch(() => undefined));
    if (!vault || !latest) return false;
    const due = rotationDue(parsed(r), latest);
    if (due === undefined || due > this.clock.now()) return false;
    await this.rotate(vault, r.name);
    return true;
  }
}

/** Runs `rotateDue` every `intervalMs` on the housekeeping leader only (Store.tryLead). */
export class KeyAutoRotation {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly rotation: KeyRotation,
    private readonly intervalMs: number,
    private readonly log: Logger,
    private readonly lead: () => Promise<boolean> = async () => true,
  ) {}

  start(): this {
    this.timer ??= setInterval(() => {
      this.running ??= this.tick()
        .catch((err: unknown) => this.log.warn({ err }, 'automatic key rotation round failed'))
        .finally(() => (this.running = undefined));
    }, this.intervalMs);
    // Housekeeping must never keep the process alive on its own.
    this.timer.unref();
    return this;
  }

  /** One round; returns the keys rotated. */
  async tick(): Promise<string[]> {
    if (!(await this.lead())) return [];
    const rotated = await this.rotation.rotateDue(this.log);
    for (const key of rotated) this.log.info({ key }, 'rotated a key by its rotation policy');
    return rotated;
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
