import type { ReactNode } from 'react';
import { FormDialog } from './modal.js';
import { useRestoreFocus } from './use-restore-focus.js';
import { useAction } from './use-action.js';

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
  const { busy, error, run } = useAction();
  const submit = () =>
    run(async () => {
      await onConfirm();
      onClose();
    });
  return (
    <FormDialog
      title={title}
      open
      onClose={onClose}
      onSubmit={submit}
      submitLabel={confirmLabel}
      busy={busy}
      error={error}
      danger
    >
      {children}
    </FormDialog>
  );
}
