import { useEffect, useState } from 'react';
import { groupOf, listIdentities } from '../../api/identities.js';
import { attachIdentity } from '../../api/resources.js';
import { Loading } from '../../components/feedback.js';
import { FormDialog } from '../../components/modal.js';
import { SelectField } from '../../components/fields.js';
import { useAsync } from '../../components/use-async.js';
import { Link } from '../../router.js';
import { useSubscription } from '../../subscription.js';
import type { IdentitySectionProps } from './identity-tab.js';
import { useAction } from '../../components/use-action.js';

interface Props extends IdentitySectionProps {
  attached: string[];
  open: boolean;
  onClose: () => void;
  onAttached: (identityName: string) => void;
}

/** Picks one of the subscription's identities not yet attached and PATCHes it onto the resource. */
export function AttachIdentityDialog({ resource, resourceKey, attached, open, onClose, onAttached }: Props) {
  const { subscriptionId } = useSubscription();
  const all = useAsync(
    () => (open ? listIdentities(subscriptionId) : Promise.resolve(undefined)),
    [open, subscriptionId],
  );
  const taken = new Set(attached.map((id) => id.toLowerCase()));
  const free = (all.data ?? []).filter((i) => !taken.has(i.id.toLowerCase()));
  const [choice, setChoice] = useState('');
  const { busy, error, setError, run } = useAction();
  useEffect(() => {
    if (open) setError(undefined);
  }, [open, setError]);
  // `free` derives from these; the joined ids ignore a new array of the same ids.
  const attachedKey = attached.join();
  useEffect(
    () => setChoice((c) => (free.some((i) => i.id === c) ? c : (free[0]?.id ?? ''))),
    // eslint-disable-next-line react-hooks/exhaustive-deps -- see above
    [all.data, attachedKey],
  );

  const submit = () =>
    run(async () => {
      const picked = free.find((i) => i.id === choice);
      if (!picked) throw new Error('Choose an identity to attach.');
      await attachIdentity(subscriptionId, resource, resourceKey, picked.id);
      onClose();
      onAttached(picked.name);
    });
  const loading = open && all.loading && !all.data;
  return (
    <FormDialog
      title="Attach user-assigned identity"
      open={open}
      onClose={onClose}
      onSubmit={submit}
      submitLabel="Attach"
      busy={busy || loading}
      error={error ?? all.error}
    >
      {loading ? <Loading what="identities" /> : null}
      {all.data && free.length === 0 ? (
        <p>
          {all.data.length === 0
            ? 'There are no user-assigned identities in this subscription.'
            : `Every identity in this subscription is already attached to ${resource.name}.`}{' '}
          Create one on the{' '}
          <Link to="/identities" onClick={onClose}>
            Managed identities
          </Link>{' '}
          page or with <code>openmi identity create -g RG -n NAME</code>.
        </p>
      ) : null}
      {free.length > 0 ? (
        <SelectField
          label="Identity"
          value={choice}
          onChange={setChoice}
          options={free.map((i) => ({ value: i.id, label: `${i.name} (${groupOf(i.id)})` }))}
          hint="Attaching needs permission to assign the identity (Managed Identity Operator on it), besides write access to this resource."
        />
      ) : null}
    </FormDialog>
  );
}
