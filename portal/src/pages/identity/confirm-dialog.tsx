import { useState, type ReactNode } from 'react';
import { FormDialog } from '../../components/modal.js';
import { useRestoreFocus } from './use-restore-focus.js';

interface Props {
  title: string;
  confirmLabel: string;
  onClose: () => void;
  onConfirm: () => Promise<unknown>;
  children: ReactNode;
}

/** A yes/no dialog whose action's error stays in the dialog, in the server's words. */
export function ConfirmDialog({ title, confirmLabel, onClose, onConfirm, children }: Props) {
  useRestoreFocus();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const submit = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await onConfirm();
      onClose();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <FormDialog title={title} open onClose={onClose} onSubmit={submit} submitLabel={confirmLabel} busy={busy} error={error} danger>
      {children}
    </FormDialog>
  );
}
