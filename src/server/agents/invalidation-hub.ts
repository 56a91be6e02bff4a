import type { ChangeRecorder, ControlPlaneChange } from '../audit/changes.js';

export type InvalidationListener = (ids: string[]) => void;

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

/**
 * Sits on the change stream (after commit) and tells connected agents which identities and
 * resources just lost power, so their caches drop those tokens within a second instead of
 * serving them until expiry. Role-assignment changes are not pushed: they never change which
 * token an agent holds, and resources check RBAC on every call.
 */
export class InvalidationHub implements ChangeRecorder {
  private readonly listeners = new Set<InvalidationListener>();

  constructor(private readonly inner: ChangeRecorder) {}

  record(change: ControlPlaneChange): void {
    this.inner.record(change);
    if (change.status !== 'Succeeded' || !affects(change)) return;
    const ids = idsOf(change);
    for (const l of this.listeners) l(ids);
  }

  subscribe(listener: InvalidationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
