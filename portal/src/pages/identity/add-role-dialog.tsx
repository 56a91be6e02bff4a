import { useEffect, useState } from 'react';
import { groupPath, listResourceGroups, type IdentityWire, type ResourceGroupWire } from '../../api/identities.js';
import { createRoleAssignment, type RoleDefinitionWire } from '../../api/role-assignments.js';
import { SelectField, TextField } from '../../components/fields.js';
import { FormDialog } from '../../components/modal.js';
import { useSubscription } from '../../subscription.js';
import { useRestoreFocus } from '../../components/use-restore-focus.js';
import { useAction } from '../../components/use-action.js';

const CUSTOM = '\u0000custom';

interface Props {
  identity: IdentityWire;
  roles: RoleDefinitionWire[];
  onClose: () => void;
  onAdded: () => void;
}

function scopeOptions(sub: string, groups: ResourceGroupWire[], identity: IdentityWire) {
  return [
    { value: `/subscriptions/${sub}`, label: 'This subscription' },
    ...groups.map((g) => ({ value: groupPath(sub, g.name), label: `Resource group ${g.name}` })),
    { value: identity.id, label: `This identity (${identity.name})` },
    { value: CUSTOM, label: 'Custom scope…' },
  ];
}

/** "Add role assignment": gives this identity a role at a scope. */
export function AddRoleDialog({ identity, roles, onClose, onAdded }: Props) {
  useRestoreFocus();
  const { subscriptionId } = useSubscription();
  const [role, setRole] = useState('');
  const [scope, setScope] = useState('');
  const [custom, setCustom] = useState('');
  const [groups, setGroups] = useState<ResourceGroupWire[]>([]);
  const { busy, error, setError, run } = useAction();

  useEffect(() => {
    setRole(roles.find((r) => r.properties.roleName === 'Reader')?.id ?? roles[0]?.id ?? '');
    setScope(`/subscriptions/${subscriptionId}`);
    listResourceGroups(subscriptionId).then(
      (gs) => setGroups([...gs].sort((a, b) => a.name.localeCompare(b.name))),
      setError,
    );
  }, [roles, subscriptionId, setError]);

  const submit = () =>
    run(async () => {
      const at = scope === CUSTOM ? custom.trim() : scope;
      if (!at.startsWith('/'))
        throw new Error("A scope is an ARM id starting with '/', e.g. /subscriptions/{id}/resourceGroups/{group}.");
      await createRoleAssignment(at, role, identity.properties.principalId);
      onAdded();
      onClose();
    });
  const roleOptions = roles.map((r) => ({ value: r.id, label: r.properties.roleName }));
  const chosen = roles.find((r) => r.id === role);
  return (
    <FormDialog
      title={`Add a role assignment for ${identity.name}`}
      open
      onClose={onClose}
      onSubmit={submit}
      submitLabel="Add role assignment"
      busy={busy}
      error={error}
    >
      <SelectField
        label="Role"
        value={role}
        onChange={setRole}
        options={roleOptions}
        required
        hint={chosen?.properties.description}
      />
      <SelectField
        label="Scope"
        value={scope}
        onChange={setScope}
        options={scopeOptions(subscriptionId, groups, identity)}
        required
        hint="The role applies at this scope and everything below it."
      />
      {scope === CUSTOM ? (
        <TextField
          label="Custom scope"
          value={custom}
          onChange={setCustom}
          required
          placeholder={`/subscriptions/${subscriptionId}/resourceGroups/…`}
          hint="Any ARM id: a subscription, a resource group or a resource."
        />
      ) : null}
    </FormDialog>
  );
}
