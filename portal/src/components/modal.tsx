import { useEffect, useId, useRef, type FormEvent, type ReactNode } from 'react';
import { ErrorBanner } from './feedback.js';

interface Props {
  title: string;
  open: boolean;
  onClose: () => void;
  /** Called on submit; a thrown error is shown in the dialog, which stays open. */
  onSubmit: () => Promise<void> | void;
  submitLabel: string;
  busy?: boolean;
  error?: unknown;
  /** Destructive confirmations get a red submit button. */
  danger?: boolean;
  children: ReactNode;
}

/**
 * A form in a native modal <dialog>: the browser traps focus, Escape closes it, and focus returns
 * to the opener.
 */
export function FormDialog({ title, open, onClose, onSubmit, submitLabel, busy, error, danger, children }: Props) {
  const titleId = useId();
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void onSubmit();
  };
  return (
    <dialog ref={ref} onClose={onClose} aria-labelledby={titleId}>
      <form onSubmit={submit}>
        <h2 id={titleId}>{title}</h2>
        <ErrorBanner error={error} />
        <div className="form-body">{children}</div>
        <div className="dialog-actions">
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className={danger ? 'primary danger' : 'primary'} disabled={busy}>
            {busy ? 'Working…' : submitLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
