import { useEffect, useState } from 'react';
import { COMPUTE_TYPES } from '../../api/api-versions.js';
import { createResourceGroup, listResourceGroups } from '../../api/identities.js';
import { createResource } from '../../api/resources.js';
import { FormDialog } from '../../components/modal.js';
import { CheckboxField, SelectField, TextField } from '../../components/fields.js';
import { useAsync } from '../../components/use-async.js';
import { navigate } from '../../router.js';
import { useSubscription } from '../../subscription.js';
import { resourcePath } from '../../components/arm-ids.js';
import { useAction } from '../../components/use-action.js';

const NEW_GROUP = '\u0000new';
const TYPE_OPTIONS = COMPUTE_TYPES.map((t) => ({ value: t.type, label: t.label }));

interface Form {
  type: string;
  name: string;
  group: string;
  newGroup: string;
  location: string;
  system: boolean;
}

const BLANK: Form = {
  type: COMPUTE_TYPES[0]!.type,
  name: '',
  group: '',
  newGroup: '',
  location: 'local',
  system: true,
};

/** Creates a compute resource (and, if asked, its resource group first), then opens it. */
export function CreateResourceDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { subscriptionId } = useSubscription();
  const groups = useAsync(
    () => (open ? listResourceGroups(subscriptionId) : Promise.resolve(undefined)),
    [open, subscriptionId],
  );
  const [form, setForm] = useState<Form>(BLANK);
  const { busy, error, setError, run } = useAction();
  const set =
    <K extends keyof Form>(k: K) =>
    (v: Form[K]) =>
      setForm((f) => ({ ...f, [k]: v }));

  useEffect(() => {
    if (open) {
      setForm(BLANK);
      setError(undefined);
    }
  }, [open, setError]);
  // Default to the first group once they are known, or to a new one when there is none.
  useEffect(() => {
    if (groups.data && !form.group) setForm((f) => ({ ...f, group: groups.data![0]?.name ?? NEW_GROUP }));
  }, [groups.data, form.group]);

  const isNew = form.group === NEW_GROUP;
  const groupOptions = [
    ...(groups.data ?? []).map((g) => ({ value: g.name, label: g.name })),
    ...(groups.data
      ? []
      : [{ value: '', label: groups.error ? 'Could not load resource groups' : 'Loading resource groups…' }]),
    { value: NEW_GROUP, label: 'New resource group…' },
  ];

  const submit = () =>
    run(async () => {
      const resourceGroup = isNew ? form.newGroup.trim() : form.group;
      if (!resourceGroup) throw new Error('Choose a resource group, or pick "New resource group…" and name it.');
      if (isNew) await createResourceGroup(subscriptionId, resourceGroup, form.location.trim());
      const name = form.name.trim();
      await createResource(subscriptionId, { resourceGroup, type: form.type, name }, form.location.trim(), form.system);
      onClose();
      navigate(`${resourcePath(resourceGroup, form.type, name)}?created=1`);
    });

  return (
    <FormDialog
      title="Create resource"
      open={open}
      onClose={onClose}
      onSubmit={submit}
      submitLabel="Create"
      busy={busy}
      error={error ?? groups.error}
    >
      <SelectField label="Type" value={form.type} onChange={set('type')} options={TYPE_OPTIONS} required />
      <TextField
        label="Name"
        value={form.name}
        onChange={set('name')}
        required
        autoFocus
        hint="1–64 letters, digits, '.', '_' or '-'; start with a letter or digit."
      />
      <SelectField label="Resource group" value={form.group} onChange={set('group')} options={groupOptions} required />
      {isNew ? (
        <TextField
          label="New resource group name"
          value={form.newGroup}
          onChange={set('newGroup')}
          required
          hint="Created in the location below before the resource."
        />
      ) : null}
      <TextField
        label="Location"
        value={form.location}
        onChange={set('location')}
        required
        hint="openmi's built-in location is 'local'."
      />
      <CheckboxField
        label="Enable system-assigned identity"
        checked={form.system}
        onChange={set('system')}
        hint="An identity tied to this resource's lifecycle: it is deleted when the resource is deleted."
      />
    </FormDialog>
  );
}
