import type {
  PermissionKind,
  PermissionUsageDelta,
  PermissionUsageRepo,
  PermissionUsageRow,
} from '../permission-usage-repo.js';
import { lookupKey } from './columns.js';
import type { Executor, SqlValue } from './executor.js';
import { Params } from './paging.js';

interface UsageRow {
  principal_id: string;
  kind: PermissionKind;
  action: string;
  scope: string;
  assignment_id: string;
  count: number | string;
  last_at: number | string;
}

// 12 parameters a row: 80 rows stay far below either engine's bound on parameters.
const CHUNK = 80;

const COLUMNS =
  'principal_key, day, kind, action_key, scope_key, assignment_key, principal_id, action, scope, assignment_id, count, last_at';

const values = (d: PermissionUsageDelta): SqlValue[] => [
  lookupKey(d.principalId),
  d.day,
  d.kind,
  lookupKey(d.action),
  lookupKey(d.scope),
  lookupKey(d.assignmentId),
  d.principalId,
  d.action,
  d.scope,
  d.assignmentId,
  d.count,
  d.lastAt,
];

const sortKey = (d: PermissionUsageDelta): string =>
  [d.principalId, d.day, d.kind, d.action, d.scope, d.assignmentId].map((v) => lookupKey(String(v))).join('\n');

export class SqlPermissionUsageRepo implements PermissionUsageRepo {
  constructor(private readonly db: Executor) {}

  /**
   * One upsert per chunk, in key order: two nodes flushing overlapping keys take the row locks in
   * the same order (PostgreSQL), so they wait for each other instead of deadlocking.
   */
  async add(deltas: readonly PermissionUsageDelta[]): Promise<void> {
    const sorted = [...deltas].sort((a, b) => (sortKey(a) < sortKey(b) ? -1 : 1));
    for (let i = 0; i < sorted.length; i += CHUNK) {
      const p = new Params();
      const rows = sorted.slice(i, i + CHUNK).map(
        (d) =>
          `(${values(d)
            .map((v) => p.add(v))
            .join(', ')})`,
      );
      await this.db.run(
        `INSERT INTO permission_usage (${COLUMNS}) VALUES ${rows.join(', ')}
         ON CONFLICT (principal_key, day, kind, action_key, scope_key, assignment_key) DO UPDATE SET
         count = permission_usage.count + excluded.count,
         last_at = CASE WHEN excluded.last_at > permission_usage.last_at THEN excluded.last_at ELSE permission_usage.last_at END`,
        p.values,
      );
    }
  }

  async list(principalIds: readonly string[], fromDay: number): Promise<PermissionUsageRow[]> {
    if (principalIds.length === 0) return [];
    const p = new Params();
    const keys = principalIds.map((id) => p.add(lookupKey(id))).join(', ');
    const rows = await this.db.all<UsageRow>(
      `SELECT MIN(principal_id) AS principal_id, kind, MIN(action) AS action, MIN(scope) AS scope,
       MIN(assignment_id) AS assignment_id, SUM(count) AS count, MAX(last_at) AS last_at
       FROM permission_usage WHERE principal_key IN (${keys}) AND day >= ${p.add(fromDay)}
       GROUP BY principal_key, kind, action_key, scope_key, assignment_key
       ORDER BY principal_key, kind, action_key, scope_key, assignment_key`,
      p.values,
    );
    return rows.map((r) => ({
      principalId: r.principal_id,
      kind: r.kind,
      action: r.action,
      scope: r.scope,
      assignmentId: r.assignment_id,
      count: Number(r.count),
      lastAt: Number(r.last_at),
    }));
  }

  async prune(beforeDay: number): Promise<number> {
    const { changes } = await this.db.run('DELETE FROM permission_usage WHERE day < $1', [beforeDay]);
    return changes;
  }
}
