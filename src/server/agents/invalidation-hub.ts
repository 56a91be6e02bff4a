import { MAX_CHANGE_EVENT_BYTES, MISSED_CHANGES, type ChangeBus, type ChangeEvent } from '../../store/changes.js';
import type { StoreRepos } from '../../store/store.js';
import type { ChangeRecorder, ControlPlaneChange } from '../audit/changes.js';

export type InvalidationListener = (ids: string[]) => void;

/** The change-bus kind other nodes' invalidations travel as. */
export const INVALIDATE_CHANGE = 'invalidate';

/** Detail fields that name identities or resources whose tokens a change can affect. */
const ID_FIELDS = ['detached', 'principalId', 'systemPrincipalId'] as const;

/** Changes that can take a token's power away; attaching or creating things cannot. */
function affects(c: ControlPlaneChange): boolean {
  const op = c.operation.toLowerCase();
  if (op.endsWith('/delete') && !op.startsWith('microsoft.authorization/')) return true;
  if (op === 'openmi.tokens/revoketokens/action') return true;
  const d = c.detail ?? {};
  return d['systemAssigned'] === 'disabled' || (Array.isArray(d['detached']) && d['detached'].length > 0);
}

function idsOf(c: ControlPlaneChange): string[] {
  const ids = [c.resourceId];
  for (const f of ID_FIELDS) {
    const v = c.detail?.[f];
    if (typeof v === 'string') ids.push(v);
    else if (Array.isArray(v)) ids.push(...v.filter((x): x is string => typeof x === 'string'));
  }
  return ids;
}

/** Splits ids into groups small enough for one change event each (a detach may name many). */
function chunks(ids: string[]): string[][] {
  const out: string[][] = [];
  let group: string[] = [];
  let bytes = 0;
  for (const id of ids) {
    const size = Buffer.byteLength(JSON.stringify(id)) + 1;
    if (group.length > 0 && bytes + size > MAX_CHANGE_EVENT_BYTES - 100) {
      out.push(group);
      group = [];
      bytes = 0;
    }
    group.push(id);
    bytes += size;
  }
  if (group.length > 0) out.push(group);
  return out;
}

const idsIn = (e: ChangeEvent): string[] | undefined => {
  const ids = e.payload['ids'];
  return Array.isArray(ids) && ids.every((id) => typeof id === 'string') ? ids : undefined;
};

/**
 * Sits on the change stream (after commit) and tells connected agents which identities and
 * resources just lost power, so their caches drop those tokens within a second instead of
 * serving them until expiry. Role-assignment changes are not pushed: they never change which
 * token an agent holds, and resources check RBAC on every call.
 *
 * With a change bus, the same ids go to the other nodes sharing the store (at the commit of the
 * writing transaction, `inTransaction`), whose hubs hand them
 * to their own listeners as if the change had been made there (docs/architecture.md).
 */
export class InvalidationHub implements ChangeRecorder {
  private readonly listeners = new Set<InvalidationListener>();
  private readonly resyncListeners = new Set<() => void>();

  constructor(
    private readonly inner: ChangeRecorder,
    private readonly bus?: ChangeBus,
  ) {}

  /** After the commit: this node's listeners. */
  record(change: ControlPlaneChange): void {
    this.inner.record(change);
    if (change.status === 'Succeeded' && affects(change)) this.deliver(idsOf(change));
  }

  /**
   * Inside the writing transaction: the other nodes' notifications are sent by its commit
   * (store/changes.ts), so a crash right after the commit cannot lose them. A notification lost
   * anyway (a listener reconnecting) is bounded by the listeners' own reloads (revocations 5 s;
   * agents at token half-life).
   */
  async inTransaction(tx: StoreRepos, changes: readonly ControlPlaneChange[]): Promise<void> {
    await this.inner.inTransaction?.(tx, changes);
    if (this.bus === undefined) return;
    const ids = changes.filter((c) => c.status === 'Succeeded' && affects(c)).flatMap(idsOf);
    for (const group of chunks(ids)) await tx.changes.publish(INVALIDATE_CHANGE, { ids: group });
  }

  /** Starts taking other nodes' invalidations from the bus; returns the unsubscribe function. */
  connect(): () => void {
    return this.bus?.subscribe((e) => this.remote(e)) ?? (() => undefined);
  }

  private remote(e: ChangeEvent): void {
    if (e.kind === MISSED_CHANGES) {
      for (const l of [...this.resyncListeners]) l();
      return;
    }
    const ids = e.kind === INVALIDATE_CHANGE ? idsIn(e) : undefined;
    if (ids !== undefined) this.deliver(ids);
  }

  private deliver(ids: string[]): void {
    for (const l of [...this.listeners]) l(ids);
  }

  subscribe(listener: InvalidationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called when other nodes' invalidations may have been lost (the bus reconnected): drop what you cache. */
  onResync(listener: () => void): () => void {
    this.resyncListeners.add(listener);
    return () => this.resyncListeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
