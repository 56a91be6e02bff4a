import { useState } from 'react';
import type { IdentityWire } from '../../api/identities.js';
import { DEFAULT_AUDIENCE, parseAudiences, putFederatedCredential } from '../../api/federated-credentials.js';
import { TextField } from '../../components/fields.js';
import { FormDialog } from '../../components/modal.js';
import { useSubscription } from '../../subscription.js';
import { useRestoreFocus } from '../../components/use-restore-focus.js';
import { useAction } from '../../components/use-action.js';

interface Props {
  identity: IdentityWire;
  resourceGroup: string;
  onClose: () => void;
  onAdded: () => void;
}

const blank = { name: '', issuer: '', subject: '', audiences: DEFAULT_AUDIENCE };

/** "Add federated credential": trust one issuer + subject pair. */
export function AddFederatedDialog({ identity, resourceGroup, onClose, onAdded }: Props) {
  useRestoreFocus();
  const { subscriptionId } = useSubscription();
  const [form, setForm] = useState(blank);
  const { busy, error, run } = useAction();
  const set = (patch: Partial<typeof blank>) => setForm((f) => ({ ...f, ...patch }));

  const submit = () =>
    run(async () => {
      const audiences = parseAudiences(form.audiences);
      await putFederatedCredential(subscriptionId, resourceGroup, identity.name, form.name.trim(), {
        issuer: form.issuer.trim(),
        subject: form.subject.trim(),
        audiences,
      });
      onAdded();
      onClose();
    });
  return (
    <FormDialog
      title={`Add a federated credential to ${identity.name}`}
      open
      onClose={onClose}
      onSubmit={submit}
      submitLabel="Add federated credential"
      busy={busy}
      error={error}
    >
      <TextField
        label="Name"
        value={form.name}
        onChange={(name) => set({ name })}
        required
        autoFocus
        hint="3–120 letters, digits, hyphens and underscores."
      />
      <TextField
        label="Issuer"
        value={form.issuer}
        onChange={(issuer) => set({ issuer })}
        required
        placeholder="https://token.actions.githubusercontent.com"
        hint="The exact 'iss' of the workload's tokens (https)."
      />
      <TextField
        label="Subject"
        value={form.subject}
        onChange={(subject) => set({ subject })}
        required
        placeholder="repo:contoso/app:ref:refs/heads/main"
        hint="The exact 'sub' of the workload's tokens, e.g. system:serviceaccount:ns:name for Kubernetes."
      />
      <TextField
        label="Audiences"
        value={form.audiences}
        onChange={(audiences) => set({ audiences })}
        required
        hint="Separate several with commas."
      />
    </FormDialog>
  );
}
