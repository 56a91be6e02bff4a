import { useState } from 'react';
import { createGroup, listGroups, type DirectoryObject } from '../api/groups.js';
import { DataTable, type Column } from '../components/data-table.js';
import { EmptyState, ErrorBanner, Loading, PageHeader } from '../components/feedback.js';
import { TextField } from '../components/fields.js';
import { FormDialog } from '../components/modal.js';
import { useAction } from '../components/use-action.js';
import { useAsync } from '../components/use-async.js';
import { useRestoreFocus } from '../components/use-restore-focus.js';
import { Link, navigate, pathOf } from '../router.js';
import './identity/identity.css';

const COLUMNS: Column<DirectoryObject>[] = [
  {
    key: 'name',
    header: 'Name',
    sortValue: (g) => g.displayName,
    render: (g) => <Link to={pathOf('groups', g.id)}>{g.displayName}</Link>,
  },
  { key: 'description', header: 'Description', sortValue: (g) => g.description ?? '', render: (g) => g.description },
  {
    key: 'id',
    header: 'Object ID',
    className: 'mi-nowrap',
    sortValue: (g) => g.id,
    render: (g) => <span className="mono">{g.id}</span>,
  },
];

/** "Create group": a security group; opens it once created. */
function CreateGroupDialog({ onClose }: { onClose: () => void }) {
  useRestoreFocus();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const { busy, error, run } = useAction();
  const submit = () =>
    run(async () => {
      const g = await createGroup(name.trim(), description.trim());
      onClose();
      navigate(pathOf('groups', g.id));
    });
  return (
    <FormDialog
      title="Create a security group"
      open
      onClose={onClose}
      onSubmit={submit}
      submitLabel="Create"
      busy={busy}
      error={error}
    >
      <TextField label="Name" value={name} onChange={setName} required autoFocus />
      <TextField label="Description" value={description} onChange={setDescription} hint="Optional." />
    </FormDialog>
  );
}

/** `#/groups`: the directory's security groups; a role assigned to one applies to all its members. */
export function GroupsPage() {
  const list = useAsync(() => listGroups(), []);
  const [creating, setCreating] = useState(false);
  const createButton = (
    <button type="button" className="primary" onClick={() => setCreating(true)}>
      Create group
    </button>
  );
  return (
    <section>
      <PageHeader
        title="Groups"
        subtitle="Security groups of the directory: managed identities and other groups as members, roles through groups."
        actions={createButton}
      />
      <ErrorBanner error={list.error} title="The groups could not be loaded." />
      {list.loading && !list.data ? <Loading what="groups" /> : null}
      {list.data ? (
        <DataTable
          caption="Directory groups"
          columns={COLUMNS}
          rows={list.data}
          rowKey={(g) => g.id}
          initialSort={{ key: 'name', dir: 'asc' }}
          empty={
            <EmptyState title="No groups yet">
              <p>Create one with the “Create group” button, or from a shell:</p>
              <pre className="mi-cmd">openmi directory-group create -n &lt;name&gt;</pre>
            </EmptyState>
          }
        />
      ) : null}
      {creating ? <CreateGroupDialog onClose={() => setCreating(false)} /> : null}
    </section>
  );
}
