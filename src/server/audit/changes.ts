import type { StoreRepos } from '../../store/store.js';

/** Who asked for a control-plane change, as the activity log reports it. */
export interface Actor {
  /** Object id of the calling principal (the activity log's `caller`). */
  principalId: string;
  correlationId: string;
}

/**
 * One control-plane change, named by Azure's operation name (e.g.
 * `Microsoft.ManagedIdentity/userAssignedIdentities/write`). Cascades (a role assignment removed
 * because its identity was deleted) are changes of their own, with the same correlation id.
 */
export interface ControlPlaneChange {
  operation: string;
  resourceId: string;
  status: 'Succeeded' | 'Failed';
  actor: Actor;
  /** Epoch ms. */
  at: number;
  /** What changed (before/after ids, attached identities …); never secrets. */
  detail?: Record<string, unknown>;
}

/**
 * The single place control-plane changes are recorded. Services call it for every write they
 * make, including cascades, so the activity log (docs/audit.md) sees everything from one stream.
 */
export interface ChangeRecorder {
  /** After the change committed. */
  record(change: ControlPlaneChange): void;
  /** Inside the writing transaction, before it commits (e.g. to tell other nodes at commit). */
  inTransaction?(tx: StoreRepos, changes: readonly ControlPlaneChange[]): Promise<void>;
}
