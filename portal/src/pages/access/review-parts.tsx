import { useId } from 'react';
import { REVIEW_DAYS, type AssignmentReview, type SuggestedRole, type UsedOperation } from '../../api/access-review.js';
import { describeScope, nameOf } from '../../components/arm-ids.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { Time } from '../../components/feedback.js';

/** The `--days` of the CLI: how many UTC days of evidence, today included. */
export function DaysSelect({ days, onChange }: { days: number; onChange: (days: number) => void }) {
  const id = useId();
  return (
    <div className="field ar-days">
      <label htmlFor={id}>Evidence window</label>
      <select id={id} value={days} onChange={(e) => onChange(Number(e.target.value))}>
        {REVIEW_DAYS.map((d) => (
          <option key={d} value={d}>
            {d === 1 ? 'Today' : `Last ${d} days`}
          </option>
        ))}
      </select>
    </div>
  );
}

const USED_COLUMNS: Column<UsedOperation>[] = [
  {
    key: 'operation',
    header: 'Operation',
    className: 'mi-col-wide',
    sortValue: (u) => u.operation,
    render: (u) => (
      <>
        <span className="mono">{u.operation}</span>{' '}
        <span className="badge">{u.kind === 'dataAction' ? 'Data action' : 'Action'}</span>
      </>
    ),
  },
  { key: 'count', header: 'Calls', sortValue: (u) => u.count, render: (u) => u.count },
  {
    key: 'last',
    header: 'Last use',
    className: 'mi-nowrap',
    sortValue: (u) => u.lastUse,
    render: (u) => <Time iso={u.lastUse} />,
  },
  {
    key: 'scopes',
    header: 'Scopes',
    className: 'mi-col-wide',
    render: (u) => (
      <ul className="ar-plain">
        {u.scopes.map((s) => (
          <li key={s} className="mono">
            {s}
          </li>
        ))}
      </ul>
    ),
  },
];

export function UsedTable({ caption, used }: { caption: string; used: UsedOperation[] }) {
  return (
    <DataTable
      caption={caption}
      columns={USED_COLUMNS}
      rows={used}
      rowKey={(u) => `${u.kind} ${u.operation}`}
      initialSort={{ key: 'count', dir: 'desc' }}
      empty={<p className="muted">No call used this assignment in the window.</p>}
    />
  );
}

/** A named list of operations, or "none"; `label` names it for assistive technology too. */
export function OperationList({ label, items }: { label: string; items: readonly string[] }) {
  return (
    <div className="ar-ops">
      <h4>{label}</h4>
      {items.length === 0 ? (
        <p className="muted">none</p>
      ) : (
        <ul aria-label={label} className="ar-plain">
          {items.map((x) => (
            <li key={x} className="mono">
              {x}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export const roleOf = (a: { roleName: string | null; roleDefinitionId: string }) =>
  a.roleName ?? nameOf(a.roleDefinitionId);

/** What the role granted that no call used: its wildcards only partly used, then the rest. */
export function UnusedPart({ a }: { a: AssignmentReview }) {
  const role = roleOf(a);
  return (
    <>
      {a.partlyUsed.map((p) => (
        <p key={`${p.kind} ${p.pattern}`}>
          <span className="mono">{p.pattern}</span>: only <span className="mono">{p.usedBy.join(', ')}</span> used;
          everything else it grants was not.
        </p>
      ))}
      <div className="ar-cols">
        <OperationList label={`Unused actions of ${role}`} items={a.unused.actions} />
        <OperationList label={`Unused data actions of ${role}`} items={a.unused.dataActions} />
      </div>
    </>
  );
}

/** Heading of one assignment: role, scope, and whether it came through a group. */
export function AssignmentHead({ a, never }: { a: AssignmentReview; never: boolean }) {
  return (
    <>
      <h3 className="ar-title">
        {roleOf(a)} <span className="muted">at {describeScope(a.scope, { inSentence: true })}</span>{' '}
        {a.direct ? null : <span className="badge">Through a group</span>}{' '}
        {never ? <span className="badge bad">Never used</span> : null}
      </h3>
      <p className="mono muted ar-id">{a.id}</p>
    </>
  );
}

/** The custom role that holds exactly what was used, at the narrowest scope covering every call. */
export function SuggestedRoleView({ role }: { role: SuggestedRole | null }) {
  if (!role)
    return (
      <p className="muted">
        Nothing was used in this window, so there is no evidence to build a role from. Choose a longer window, or let
        the workload run first.
      </p>
    );
  const p = role.permissions[0] ?? { actions: [], dataActions: [] };
  return (
    <section className="panel" aria-labelledby="ar-suggested">
      <h3 id="ar-suggested" className="ar-title">
        Suggested role: {role.roleName}
      </h3>
      <p className="muted">{role.description}</p>
      <div className="ar-cols">
        <OperationList label="Suggested actions" items={p.actions} />
        <OperationList label="Suggested data actions" items={p.dataActions} />
        <OperationList label="Assignable scope" items={role.assignableScopes} />
      </div>
    </section>
  );
}
