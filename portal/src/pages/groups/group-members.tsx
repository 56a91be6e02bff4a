import { useState } from 'react';
import { addMember, isGroup, listMembers, removeMember, type DirectoryObject } from '../../api/groups.js';
import { ConfirmDialog } from '../../components/confirm-dialog.js';
import { DataTable, type Column } from '../../components/data-table.js';
import { EmptyState, ErrorBanner, Loading } from '../../components/feedback.js';
import { TextField } from '../../components/fields.js';
import { FormDialog } from '../../components/modal.js';
import { useAction } from '../../components/use-action.js';
import { useAsync } from '../../components/use-async.js';
import { useRestoreFocus } from '../../components/use-restore-focus.js';
import { Link, pathOf } from '../../router.js';

function AddMemberDialog({
  group,
  onClose,
  onAdded,
}: {
  group: DirectoryObject;
  onClose: () => void;
  onAdded: () => void;
}) {
  useRestoreFocus();
  const [id, setId] = useState('');
  const { busy, error, run } = useAction();
  const submit = () =>
    run(async () => {
      await addMember(group.id, id.trim());
      onAdded();
      onClose();
    });
  return (
    <FormDialog
      title={`Add a member to ${group.displayName}`}
      open
      onClose={onClose}
      onSubmit={submit}
      submitLabel="Add member"
      busy={busy}
      error={error}
    >
      <TextField
        label="Member object ID"
        value={id}
        onChange={setId}
        required
        autoFocus
        hint="A managed identity's principal (object) ID, shown on its page, or another group's object ID."
      />
    </FormDialog>
  );
}

/** The group's direct members (add, remove) and, below, everyone in it through nested groups. */
export function GroupMembers({ group }: { group: DirectoryObject }) {
  const direct = useAsync(() => listMembers(group.id), [group.id]);
  const all = useAsync(() => listMembers(group.id, true), [group.id]);
  const [adding, setAdding] = useState(false);
  const [removing, setRemoving] = useState<DirectoryObject>();
  const reload = () => {
    direct.reload();
    all.reload();
  };
  const directIds = new Set((direct.data ?? []).map((m) => m.id));
  const columns: Column<DirectoryObject>[] = [
    {
      key: 'name',
      header: 'Name',
      sortValue: (m) => m.displayName,
      render: (m) => (isGroup(m) ? <Link to={pathOf('groups', m.id)}>{m.displayName}</Link> : m.displayName),
    },
    { key: 'type', header: 'Type', sortValue: (m) => typeOf(m), render: typeOf },
    { key: 'id', header: 'Object ID', sortValue: (m) => m.id, render: (m) => <span className="mono">{m.id}</span> },
    {
      key: 'how',
      header: 'Membership',
      sortValue: (m) => String(directIds.has(m.id)),
      render: (m) =>
        directIds.has(m.id) ? (
          <button
            type="button"
            className="danger"
            aria-label={`Remove ${m.displayName}`}
            onClick={() => setRemoving(m)}
          >
            Remove
          </button>
        ) : (
          <span className="muted">through a nested group</span>
        ),
    },
  ];
  return (
    <>
      <div className="mi-tab-head">
        <h2 className="mi-tab-title">Members</h2>
        <button type="button" className="primary" onClick={() => setAdding(true)}>
          Add member
        </button>
      </div>
      <p className="muted">Direct members and, through nested groups, everyone the group's roles reach.</p>
      <ErrorBanner error={direct.error ?? all.error} title="The members could not be loaded." />
      {!all.data || !direct.data ? <Loading what="members" /> : null}
      {all.data && direct.data ? (
        <DataTable
          caption={`Members of ${group.displayName}`}
          columns={columns}
          rows={all.data}
          rowKey={(m) => m.id}
          initialSort={{ key: 'name', dir: 'asc' }}
          empty={<EmptyState title="This group has no members" />}
        />
      ) : null}
      {adding ? <AddMemberDialog group={group} onClose={() => setAdding(false)} onAdded={reload} /> : null}
      {removing ? (
        <ConfirmDialog
          title={`Remove ${removing.displayName} from ${group.displayName}?`}
          confirmLabel="Remove member"
          onClose={() => setRemoving(undefined)}
          onConfirm={async () => {
            await removeMember(group.id, removing.id);
            reload();
          }}
        >
          <p>
            It loses the group's role assignments on its next request, unless another assignment grants the same. To see
            what it would lose first, use <code>openmi identity impact --leave-group {group.id}</code>.
          </p>
        </ConfirmDialog>
      ) : null}
    </>
  );
}

function typeOf(m: DirectoryObject): string {
  if (isGroup(m)) return 'Group';
  return m.servicePrincipalType === 'ManagedIdentity'
    ? 'Managed identity'
    : (m.servicePrincipalType ?? 'Service principal');
}
