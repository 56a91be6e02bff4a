import { useEffect, useRef, type ReactNode } from 'react';

export interface DetailField {
  label: string;
  value: ReactNode;
}

interface Props {
  title: string;
  /** null: closed. */
  fields: DetailField[] | null;
  raw: unknown;
  onClose: () => void;
}

/**
 * One log record in a native modal dialog: the browser traps focus, Escape closes it and focus
 * returns to the row's Details button.
 */
export function DetailDialog({ title, fields, raw, onClose }: Props) {
  const ref = useRef<HTMLDialogElement>(null);
  const open = fields !== null;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      // The browser would focus the first focusable field and scroll the record to its middle;
      // start at the title instead, so the dialog opens at its top and is announced by name.
      d.querySelector<HTMLElement>('h2')?.focus();
    }
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog ref={ref} onClose={onClose} aria-labelledby="log-detail-title" className="log-detail">
      <h2 id="log-detail-title" tabIndex={-1}>
        {title}
      </h2>
      {fields ? (
        <div className="event-detail">
          <dl className="props">
            {fields.map((f) => (
              <div key={f.label} className="prop-row">
                <dt>{f.label}</dt>
                <dd>
                  {f.value === '' || f.value === null || f.value === undefined ? (
                    <span className="muted">—</span>
                  ) : (
                    f.value
                  )}
                </dd>
              </div>
            ))}
          </dl>
          <h3>Raw JSON</h3>
          <pre tabIndex={0} aria-label="Raw JSON of the record">
            {JSON.stringify(raw, null, 2)}
          </pre>
        </div>
      ) : null}
      <div className="dialog-actions">
        <button type="button" className="primary" onClick={onClose}>
          Close
        </button>
      </div>
    </dialog>
  );
}
