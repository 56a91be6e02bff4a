/** Whether an operation is a control-plane action or a data action (Azure RBAC's two lists). */
export type PermissionKind = 'action' | 'dataAction';

/**
 * `count` uses of one operation, by one principal, checked at one scope and allowed by one role
 * assignment, on the UTC day starting at `day` (epoch ms); the last of them at `lastAt`.
 */
export interface PermissionUsageDelta {
  principalId: string;
  kind: PermissionKind;
  action: string;
  scope: string;
  assignmentId: string;
  day: number;
  count: number;
  lastAt: number;
}

/** The uses of one operation at one scope through one assignment, summed over the days asked. */
export interface PermissionUsageRow {
  principalId: string;
  kind: PermissionKind;
  action: string;
  scope: string;
  assignmentId: string;
  count: number;
  lastAt: number;
}

/**
 * Per-day counters of the permissions principals used (docs/audit.md). Keys (principal, action,
 * scope, assignment) compare case-insensitively; a row keeps the casing of its first write, and
 * `list` shows one of the spellings its days hold.
 */
export interface PermissionUsageRepo {
  /**
   * Adds each delta to its row (count += count, last_at = the later one), creating it if absent.
   * Deltas with the same key (case-insensitively) may not appear twice in one call.
   */
  add(deltas: readonly PermissionUsageDelta[]): Promise<void>;
  /** The principals' usage on days starting at or after `fromDay`, one row per principal, kind, action, scope and assignment. */
  list(principalIds: readonly string[], fromDay: number): Promise<PermissionUsageRow[]>;
  /** Deletes the days that start before `beforeDay`. Returns how many rows. */
  prune(beforeDay: number): Promise<number>;
}
