import { useEffect, useState } from 'react';
import {
  createIdentity,
  createResourceGroup,
  listResourceGroups,
  parseTags,
  type ResourceGroupWire,
} from '../../api/identities.js';
import { Loading } from '../../components/feedback.js';
import { SelectField, TextField } from '../../components/fields.js';
import { FormDialog } from '../../components/modal.js';
import { navigate, pathOf } from '../../router.js';
import { useSubscription } from '../../subscription.js';
import { useRestoreFocus } from '../../components/use-restore-focus.js';
import { useAction } from '../../components/use-action.js';

/** The select's value for "type a new group name". */
const NEW_GROUP = '\u0000new';

interface Form {
  name: string;
  group: string;
  newGroup: string;
  location: string;
  tags: string;
}

const blank: Form = { name: '', group: '', newGroup: '', location: 'local', tags: '' };

/** "Create identity": creates the group first when a new one is named, then opens the new identity. */
export function CreateIdentityDialog({ onClose }: { onClose: () => void }) {
  useRestoreFocus();
  const { subscriptionId } = useSubscription();
  const [form, setForm] = useState<Form>(blank);
  const [groups, setGroups] = useState<ResourceGroupWire[]>();
  const { busy, error, setError, run } = useAction();
  const set = (patch: Partial<Form>) => setForm((f) => ({ ...f, ...patch }));

  useEffect(() => {
    listResourceGroups(subscriptionId).then(
      (gs) => {
        const sorted = [...gs].sort((a, b) => a.name.localeCompare(b.name));
        setGroups(sorted);
        set({ group: sorted[0]?.name ?? NEW_GROUP });
      },
      (e: unknown) => {
        // Without the list, a new group can still be named; the error says why the list is missing.
        setError(e);
        setGroups([]);
        set({ group: NEW_GROUP });
      },
    );
  }, [subscriptionId, setError]);

  const submit = () =>
    run(async () => {
      const tags = parseTags(form.tags);
      const isNew = form.group === NEW_GROUP;
      const rg = (isNew ? form.newGroup : form.group).trim();
      if (!rg) throw new Error('Choose a resource group, or type the name of a new one.');
      if (isNew) await createResourceGroup(subscriptionId, rg, form.location.trim() || 'local');
      const created = await createIdentity(subscriptionId, rg, form.name.trim(), form.location.trim() || 'local', tags);
      onClose();
      navigate(pathOf('identities', rg, created.name));
    });

  const options = [
    ...(groups ?? []).map((g) => ({ value: g.name, label: g.name })),
    { value: NEW_GROUP, label: 'New resource group…' },
  ];
  return (
    <FormDialog
      title="Create a user-assigned identity"
      open
      onClose={onClose}
      onSubmit={submit}
      submitLabel="Create"
      busy={busy}
      error={error}
    >
      <TextField
        label="Name"
        value={form.name}
        onChange={(name) => set({ name })}
        required
        autoFocus
        hint="3–128 letters, digits, hyphens and underscores, starting with a letter or digit."
      />
      {groups ? (
        <SelectField
          label="Resource group"
          value={form.group}
          onChange={(group) => set({ group })}
          options={options}
          required
        />
      ) : (
        <Loading what="resource groups" />
      )}
      {form.group === NEW_GROUP ? (
        <TextField
          label="New resource group name"
          value={form.newGroup}
          onChange={(newGroup) => set({ newGroup })}
          required
          hint="Created first, in the location below."
        />
      ) : null}
      <TextField
        label="Location"
        value={form.location}
        onChange={(location) => set({ location })}
        required
        hint="openmi hosts everything in 'local'."
      />
      <TextField
        label="Tags"
        value={form.tags}
        onChange={(tags) => set({ tags })}
        placeholder="team=payments, env=dev"
        hint="Optional: name=value pairs separated by commas."
      />
    </FormDialog>
  );
}
