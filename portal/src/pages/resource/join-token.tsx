import { useEffect, useState } from 'react';
import { createJoinToken, type JoinTokenWire } from '../../api/resources.js';
import { FormDialog } from '../../components/modal.js';
import { SelectField } from '../../components/fields.js';
import { Time } from '../../components/feedback.js';
import { useAction } from '../../components/use-action.js';

const VALIDITY = [
  { value: '3600', label: '1 hour' },
  { value: '86400', label: '1 day' },
  { value: '604800', label: '7 days' },
];

export function JoinTokenDialog({
  resourceId,
  open,
  onClose,
  onCreated,
}: {
  resourceId: string;
  open: boolean;
  onClose: () => void;
  onCreated: (t: JoinTokenWire) => void;
}) {
  const [ttl, setTtl] = useState('3600');
  const { busy, error, setError, run } = useAction();
  useEffect(() => {
    if (open) setError(undefined);
  }, [open, setError]);
  const submit = () =>
    run(async () => {
      const t = await createJoinToken(resourceId, Number(ttl));
      onClose();
      onCreated(t);
    });
  return (
    <FormDialog
      title="Create join token"
      open={open}
      onClose={onClose}
      onSubmit={submit}
      submitLabel="Create token"
      busy={busy}
      error={error}
    >
      <p>The token enrolls one agent for this resource, once. It is shown only once.</p>
      <SelectField label="Valid for" value={ttl} onChange={setTtl} options={VALIDITY} />
    </FormDialog>
  );
}

/** The command the host runs; the CA file is the server data dir's ca.pem, copied to the host. */
export const agentCommand = (token: string) =>
  `openmi agent --server ${location.origin} --ca ./ca.pem --join-token ${token}`;

function CopyButton({ text, label }: { text: string; label: string }) {
  const [state, setState] = useState<'idle' | 'done' | 'failed'>('idle');
  const copy = () =>
    navigator.clipboard.writeText(text).then(
      () => setState('done'),
      () => setState('failed'),
    );
  return (
    <button type="button" onClick={() => void copy()}>
      {state === 'done' ? 'Copied' : state === 'failed' ? 'Copy failed: select the text' : label}
    </button>
  );
}

/** Shows a freshly created join token once, with the command line that uses it. */
export function JoinTokenPanel({ token: t, onDismiss }: { token: JoinTokenWire; onDismiss: () => void }) {
  const command = agentCommand(t.token);
  return (
    <div className="panel res-secret" role="region" aria-label="New join token">
      <h3>New join token</h3>
      <p>
        Copy it now: openmi keeps only a hash, so it cannot be shown again. Usable once until <Time iso={t.expiresOn} />
        .
      </p>
      <pre aria-label="Join token">{t.token}</pre>
      <p>
        On the host, with the server's <code>ca.pem</code> (from its data dir) copied next to it, run:
      </p>
      <pre aria-label="Agent command">{command}</pre>
      <div className="actions">
        <CopyButton text={t.token} label="Copy token" />
        <CopyButton text={command} label="Copy command" />
        <button type="button" onClick={onDismiss}>
          Done
        </button>
      </div>
    </div>
  );
}
